import {createPrivateKey, createPublicKey, X509Certificate} from 'node:crypto';
import {execFile} from 'node:child_process';
import {readdir, readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {promisify} from 'node:util';
import test from 'ava';
import {startKubeEmulator} from '../support/kube-emulator/index.js';
import {runCli} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';
import {checkStandsAlone, moveAway, shown} from './support/moved-bundle.js';

const run = promisify(execFile);

const subjects = (pem: string) => [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map(match => new X509Certificate(match[0]).subject);
const publicKey = (pem: string) => createPublicKey(createPrivateKey(pem)).export({type: 'spki', format: 'pem'}).toString();

test('kubectl: renew --reuse-keys --export within a rotation kept with --keep-old-ca, moved and applied with the deployment\'s directory gone, deploys the renewed pair trusting both CAs', async t => {
	const emulator = await startKubeEmulator();
	t.teardown(async () => emulator.stop());
	const dir = await tempDir(t, 'mtls-deployed-');
	const env: NodeJS.ProcessEnv = {...emulator.env, MTLS_WIZARD_HOME: join(dir, 'home')};
	const out = join(dir, 'out');
	for (const args of [['run', 'generic', '--target', 'kubectl', '--out', out, '--yes'], ['rotate-ca', '--keep-old-ca', '--yes'], ['renew', '--reuse-keys', '--export', 'renewal']]) {
		const result = await runCli(args, {cwd: dir, env});
		t.is(result.exitCode, 0, `mtls-wizard ${args.join(' ')}\n${shown(result)}`);
	}

	const [version] = await readdir(join(out, 'rotate-ca'));
	const rotated = join(out, 'rotate-ca', version!, 'certs');
	const [oldCa, newCa, serverKey] = await Promise.all([readFile(join(out, 'certs', 'ca.crt'), 'utf8'), readFile(join(rotated, 'ca.crt'), 'utf8'), readFile(join(rotated, 'server.key'), 'utf8')]);

	const moved = await moveAway(t, join(dir, 'renewal'), [dir]);
	await checkStandsAlone(t, moved, [dir]);
	const applied = await run(join(moved, 'apply.sh'), [], {cwd: await tempDir(t, 'mtls-elsewhere-'), env: {...process.env, ...emulator.env}}).catch((error: unknown) => error as {stdout: string; stderr: string; code: number});
	t.false('code' in applied, `apply.sh: ${applied.stdout}${applied.stderr}`);

	const {stdout} = await run('kubectl', ['--context', emulator.context, 'get', 'secret', 'mtls-server', '--namespace', 'default', '-o', 'json'], {env: {...process.env, ...emulator.env}});
	const data = Object.fromEntries(Object.entries((JSON.parse(stdout) as {data: Record<string, string>}).data).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));
	t.is(data['tls.crt'], await readFile(join(moved, 'certs', 'server.crt'), 'utf8'), 'the renewed server certificate, from the moved bundle');
	t.is(publicKey(data['tls.key']!), publicKey(serverKey), 'for the key the rotation issued, signed again');
	t.deepEqual(subjects(data['ca.crt']!), [...subjects(oldCa), ...subjects(newCa)], 'trusting the old and the new CA, as the kept rotation left it');
	t.true(new X509Certificate(data['tls.crt']!).checkIssued(new X509Certificate(newCa)), 'issued by the rotation\'s new CA');
});
