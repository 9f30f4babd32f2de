import {X509Certificate} from 'node:crypto';
import {execFile} from 'node:child_process';
import {readdir, readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {promisify} from 'node:util';
import test from 'ava';
import {startKubeEmulator} from '../support/kube-emulator/index.js';
import {runCli} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';
import {opensslVerify} from '../pki/support/openssl.js';
import {strictHandshake} from '../pki/support/tls-pair.js';

const run = promisify(execFile);
const serverName = 'api.renew-rotation.test';

type SecretFiles = {'tls.crt': string; 'tls.key': string; 'ca.crt': string};
type StatusReport = {healthy: boolean; certificates: Array<{id: string; disk: {notAfter: string; sha256Fingerprint: string}; copies: Array<{where: string; state: string}>}>};

/** The subjects of the certificates in a PEM file, in order: which CAs a trust point holds. */
const subjects = (pem: string) => [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map(match => new X509Certificate(match[0]).subject);

test('renew after rotate-ca: leaves from the new CA, trust left as the rotation left it (both CAs with --keep-old-ca, the new alone after --drop-old-ca), and status shows the renewed expiry', async t => {
	const emulator = await startKubeEmulator();
	t.teardown(async () => emulator.stop());
	const dir = await tempDir(t, 'mtls-wizard-renew-rotation-');
	const env: NodeJS.ProcessEnv = {...emulator.env, MTLS_WIZARD_HOME: join(dir, 'home')};
	const out = join(dir, 'out');
	const wizard = async (args: string[]) => {
		const result = await runCli(args, {env, cwd: dir});
		t.is(result.exitCode, 0, `mtls-wizard ${args.join(' ')}\n${result.stdout}${result.stderr}`);
		return result;
	};

	const secret = async (name: string): Promise<SecretFiles> => {
		const {stdout} = await run('kubectl', ['--context', emulator.context, 'get', 'secret', name, '--namespace', 'default', '-o', 'json'], {env});
		const data = (JSON.parse(stdout) as {data: Record<string, string>}).data;
		return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')])) as SecretFiles;
	};

	/** The deployed server, from its secret, takes a client certificate trusting what the client's secret trusts. */
	const serverTakes = async (client: {cert: string; key: string}) => {
		const [server, clientSecret] = await Promise.all([secret('mtls-server'), secret('mtls-client')]);
		const attempt = await strictHandshake({
			server: {cert: server['tls.crt'], key: server['tls.key'], ca: server['ca.crt']},
			client: {ca: clientSecret['ca.crt'], servername: serverName, cert: await readFile(client.cert, 'utf8'), key: await readFile(client.key, 'utf8')},
		});
		t.log(`handshake with ${client.cert}: ${JSON.stringify(attempt)}`);
		return attempt.gotReply;
	};

	/** Whether openssl chains the file's certificate to the CAs in `caFile` (written from a secret when given as PEM). */
	const chains = async (caPem: string, cert: string, purpose: 'sslserver' | 'sslclient') => {
		const caFile = join(dir, `trust-${Math.random().toString(16).slice(2)}.crt`);
		await writeFile(caFile, caPem);
		const verified = await opensslVerify(caFile, cert, ['-purpose', purpose]);
		t.log(`openssl verify ${cert} against ${subjects(caPem).join(' + ')}: ${verified.output.trim()}`);
		return verified.ok;
	};

	const fingerprint = async (file: string) => new X509Certificate(await readFile(file)).fingerprint256;

	/** renew, then: new leaves chaining to the rotation's CA alone (not the old), the secrets holding `trust`, and status showing the renewed server. */
	const renewWithin = async (rotated: string, trust: 'both' | 'new') => {
		const before = {server: await fingerprint(join(rotated, 'server.crt')), client: await fingerprint(join(rotated, 'client.crt'))};
		await wizard(['renew', '--yes']);
		const newCa = await readFile(join(rotated, 'ca.crt'), 'utf8');
		const oldCa = await readFile(join(out, 'certs', 'ca.crt'), 'utf8');
		for (const [leaf, purpose] of [['server', 'sslserver'], ['client', 'sslclient']] as const) {
			const file = join(rotated, `${leaf}.crt`);
			t.not(await fingerprint(file), before[leaf], `${leaf}: renewed`);
			t.true(await chains(newCa, file, purpose), `${leaf}: issued by the rotation's new CA`);
			t.false(await chains(oldCa, file, purpose), `${leaf}: not by the old CA`);
		}

		const server = await secret('mtls-server');
		t.is(server['tls.crt'], await readFile(join(rotated, 'server.crt'), 'utf8'), 'the renewed server certificate is deployed');
		const expected = trust === 'both' ? [...subjects(oldCa), ...subjects(newCa)] : subjects(newCa);
		t.deepEqual(subjects(server['ca.crt']), expected, `the server trusts ${trust === 'both' ? 'the old and the new CA' : 'the new CA alone'}`);
		t.deepEqual(subjects((await secret('mtls-client'))['ca.crt']), expected, 'and so does the client');
		t.true(await serverTakes({cert: join(rotated, 'client.crt'), key: join(rotated, 'client.key')}), 'the renewed client gets through');

		const status = await wizard(['status', '--json']);
		const report = JSON.parse(status.stdout) as StatusReport;
		t.true(report.healthy);
		const reported = report.certificates.find(certificate => certificate.id === 'server');
		const renewed = new X509Certificate(server['tls.crt']);
		t.is(reported?.disk.sha256Fingerprint, renewed.fingerprint256, 'status reports the renewed server certificate');
		t.is(new Date(reported?.disk.notAfter ?? 0).getTime(), new Date(renewed.validTo).getTime(), 'with its expiry');
		t.true((reported?.copies.length ?? 0) > 0 && reported!.copies.every(copy => copy.state === 'match'), JSON.stringify(reported?.copies));
	};

	await wizard(['run', 'generic', '--target', 'kubectl', '--out', out, '--set', `serverName=${serverName}`, '--yes']);
	const oldClient = {cert: join(out, 'certs', 'client.crt'), key: join(out, 'certs', 'client.key')};
	await wizard(['rotate-ca', '--keep-old-ca', '--yes']);
	const [version] = await readdir(join(out, 'rotate-ca'));
	const rotated = join(out, 'rotate-ca', version!, 'certs');

	await renewWithin(rotated, 'both');
	t.true(await chains((await secret('mtls-server'))['ca.crt'], oldClient.cert, 'sslclient'), 'the server still trusts the old CA');
	t.true(await serverTakes(oldClient), 'with both CAs kept, a client still on its old certificate gets through');
	await renewWithin(rotated, 'both');

	// The renewal is what the deployment now is: phase 3 finishes the rotation it kept.
	await wizard(['rotate-ca', '--drop-old-ca', '--yes']);
	t.false(await chains((await secret('mtls-server'))['ca.crt'], oldClient.cert, 'sslclient'), 'the server no longer trusts the old CA');
	t.false(await serverTakes(oldClient), 'once the old CA is dropped, the old certificate is refused');
	await renewWithin(rotated, 'new');
	t.false(await serverTakes(oldClient), 'and the renewal does not bring the old CA back');
});
