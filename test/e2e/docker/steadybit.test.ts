import {X509Certificate} from 'node:crypto';
import {copyFile, mkdir, readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {spawnCli} from '../../commands/support/spawn-cli.js';
import {readSessions} from '../../commands/support/session-files.js';
import {freePort} from '../../support/private-docker.js';
import {buildStandInImage} from '../../support/stand-in-image.js';
import {chainFile, opensslCa, opensslSignRequest} from '../../pki/support/openssl-ca.js';
import {containerNames, inspectContainer, privateEngineForFile, shown, waitForLog} from './support/docker-e2e.js';

let images: {extension: string; agent: string};

const setup = privateEngineForFile('steadybit', async e2e => {
	const [extension, agent] = await Promise.all([
		buildStandInImage(e2e.engine.env, 'steadybit-extension'),
		buildStandInImage(e2e.engine.env, 'steadybit-agent'),
	]);
	images = {extension, agent};
});

const agentKey = 'e2e-agent-key-not-a-real-one';
/** The recipe's default: the extension's alias on the shared network and its certificate's name. */
const extensionHost = 'steadybit-extension-http';

function runArgs(out: string, port: number): string[] {
	return [
		'run', 'steadybit', '--target', 'docker', '--out', out,
		'--set', `extensionImage=${images.extension}`,
		'--set', `agentImage=${images.agent}`,
		'--set', `extensionPort=${port}`,
		'--yes',
	];
}

async function fingerprint(file: string): Promise<string> {
	return new X509Certificate(await readFile(file)).fingerprint256;
}

/** What both containers must look like after a successful run into `out` on `port`. */
/** The agent's failed calls, but for connections refused before its first answer (the extension not listening yet). */
function failedCalls(agentLog: string): string[] {
	const lines = agentLog.split('\n');
	const firstAnswer = lines.findIndex(line => /responded with HTTP 200/.test(line));
	return lines.filter((line, index) => /Failed to call extension/.test(line) && !(index < firstAnswer && /java\.net\.ConnectException: Connection refused/.test(line)));
}

async function assertDeployed(t: import('ava').ExecutionContext, out: string, port: number): Promise<void> {
	const {engine} = setup();
	t.deepEqual(await containerNames(engine.env), ['steadybit-agent', 'steadybit-extension']);
	const extension = await inspectContainer(engine.env, 'steadybit-extension');
	t.true(extension.State.Running);
	for (const variable of [
		'STEADYBIT_EXTENSION_TLS_SERVER_CERT=/etc/extension/certificates/server/tls.crt',
		'STEADYBIT_EXTENSION_TLS_SERVER_KEY=/etc/extension/certificates/server/tls.key',
		'STEADYBIT_EXTENSION_TLS_CLIENT_CAS=/etc/extension/certificates/client-ca/tls.crt',
		`STEADYBIT_EXTENSION_PORT=${port}`,
	]) {
		t.true(extension.Config.Env.includes(variable), variable);
	}

	t.like(extension.Mounts.find(m => m.Destination === '/etc/extension/certificates/client-ca/tls.crt'), {Source: join(out, 'certs', 'ca.crt'), RW: false});
	// The image runs as uid 10000, which cannot read the wizard's 0600 key; the container runs as the key's owner.
	t.is(extension.Config.User, `${process.getuid!()}:${process.getgid!()}`);
	t.deepEqual(Object.keys(extension.NetworkSettings.Networks), ['steadybit']);
	t.true(extension.NetworkSettings.Networks['steadybit']!.Aliases?.includes(extensionHost), 'the extension answers to the name its certificate carries');
	const agent = await inspectContainer(engine.env, 'steadybit-agent');
	t.true(agent.State.Running);
	t.true(agent.Config.Env.includes(`STEADYBIT_AGENT_KEY=${agentKey}`), 'the secret agent key reached the container');
	t.true(agent.Config.Env.includes(`STEADYBIT_AGENT_EXTENSIONS_REGISTRATIONS_0_URL=https://${extensionHost}:${port}`));
	t.deepEqual(Object.keys(agent.NetworkSettings.Networks), ['steadybit']);
	t.like(agent.Mounts.find(m => m.Destination === '/opt/steadybit/agent/etc/extensions/client/tls.crt'), {Source: join(out, 'certs', 'agent-client.crt'), RW: false});

	const extensionLog = await waitForLog(engine.env, 'steadybit-extension', /Starting extension/);
	t.regex(extensionLog, new RegExp(`Z INF Starting extension https server on port ${port} \\(ClientAuth: RequireAndVerifyClientCert\\)`));
	// The agent called the extension with its client certificate and got an answer; the extension refused nobody.
	// The recipe starts the agent right after the extension, without waiting for it to listen, so a call refused at
	// the connection before the first answer is the extension still starting; any other failed call ends the wait.
	const agentLog = await waitForLog(engine.env, 'steadybit-agent', /responded with HTTP 200|Failed to call extension (?!.*java\.net\.ConnectException: Connection refused)/);
	t.regex(agentLog, /Configuring extension http client using mutual TLS \(keyFile=\/opt\/steadybit\/agent\/etc\/extensions\/client\/tls\.key, chainFile=\/opt\/steadybit\/agent\/etc\/extensions\/client\/tls\.crt\)/);
	t.regex(agentLog, new RegExp(`Extension https://${extensionHost}:${port} responded with HTTP 200`));
	t.deepEqual(failedCalls(agentLog), []);
	t.notRegex(await waitForLog(engine.env, 'steadybit-extension', /Starting extension/), /TLS handshake error/);
}

test.serial('docker: the extension starts with RequireAndVerifyClientCert and the agent calls it with its client certificate', async t => {
	const {work, cliEnv, wizard} = setup();
	const port = await freePort();
	const out = join(work, 'docker');
	const result = await wizard(runArgs(out, port), cliEnv('docker', {MTLS_WIZARD_ANSWER_AGENT_KEY: agentKey}));
	t.is(result.exitCode, 0, shown(result));
	t.regex(result.stdout, /confirmed: The extension serves HTTPS and requires a client certificate signed by the CA \(mutual TLS\)/);
	t.regex(result.stdout, /confirmed: The agent loaded its client certificate and key/);
	// The agent's side proved by the wizard too: its certificate accepted, no certificate refused.
	t.regex(result.stdout, new RegExp(`mutual TLS proved on 172\\.\\d+\\.\\d+\\.\\d+:${port}: client certificate accepted .*no certificate refused`));
	t.false(shown(result).includes(agentKey), 'the agent key is never printed');
	// The extension's log is followed while the agent starts (the plan marks it so), yet its lines come under its own
	// step, after the agent's step and before the next one.
	const lines = result.stdout.split('\n');
	const at = (pattern: RegExp) => lines.findIndex(line => pattern.test(line));
	const order = [at(/^\[5\/8\] run-agent /), at(/^\[6\/8\] confirm-extension /), at(/Starting extension https server/), at(/^\[7\/8\] probe-extension /)];
	t.true(order.every((line, index) => line >= 0 && (index === 0 || line > order[index - 1]!)), `lines ${order.join(', ')} out of order:\n${result.stdout}`);
	await assertDeployed(t, out, port);
});

test.serial('docker: the CLI killed with SIGKILL between the two containers, resume ends like an uninterrupted run', async t => {
	const {engine, work, cliEnv, wizard} = setup();
	const port = await freePort();
	const out = join(work, 'killed');
	const env = cliEnv('killed', {MTLS_WIZARD_ANSWER_AGENT_KEY: agentKey});
	const cli = spawnCli(runArgs(out, port), {...env, MTLS_WIZARD_TEST_PAUSE_BEFORE: 'run-agent'}, undefined, engine.netns);
	await cli.waitForLine(/test pause before step run-agent/);
	cli.child.kill('SIGKILL');
	await cli.exited;
	const caBefore = await fingerprint(join(out, 'certs', 'ca.crt'));
	const clientBefore = await fingerprint(join(out, 'certs', 'agent-client.crt'));
	t.deepEqual(await containerNames(engine.env), ['steadybit-extension'], 'killed after the first container, before the second');
	const [killed] = await readSessions(env['MTLS_WIZARD_HOME']!);
	t.is(killed?.steps['run-extension']?.state, 'done');
	t.is(killed?.steps['run-agent']?.state, 'running');

	const resumed = await wizard(['resume'], env);
	t.is(resumed.exitCode, 0, shown(resumed));
	t.regex(resumed.stdout, new RegExp(`session ${killed!.id}, resuming at step`));
	t.regex(resumed.stdout, /run-extension .*skipped \(done in session/);

	// Same certificates as before the kill, each container exactly once, and the answers (the port) kept.
	t.is(await fingerprint(join(out, 'certs', 'ca.crt')), caBefore);
	t.is(await fingerprint(join(out, 'certs', 'agent-client.crt')), clientBefore);
	await assertDeployed(t, out, port);
	const [finished] = await readSessions(env['MTLS_WIZARD_HOME']!);
	t.is(finished?.outcome, 'done');
	t.is(Number(finished?.answers['extensionPort']), port);
});

test.serial('docker: leaves signed by a corporate issuing CA (ECDSA under an RSA root, UTF-8 subject) carry the chain; extension and agent accept it', async t => {
	const {engine, work, cliEnv, wizard} = setup();
	const pkiDir = join(work, 'corporate-pki');
	await mkdir(pkiDir, {recursive: true});
	const root = await opensslCa(pkiDir, {name: 'root', subject: '/O=Müller GmbH/CN=Müller Root CA', key: 'rsa'});
	const issuing = await opensslCa(pkiDir, {name: 'issuing', subject: '/O=Müller GmbH/CN=Müller Issuing CA', key: 'ec-p256', parent: root, pathLength: 0});
	const chain = await chainFile(pkiDir, 'issuing-chain.pem', [issuing, root]);
	const port = await freePort();
	const out = join(work, 'corporate');
	const result = await wizard(
		[...runArgs(out, port), '--set', `caCert=${chain}`, '--set', `caKey=${issuing.keyPath}`, '--set', 'keyType=ecdsa-p256', '--set', 'days=30'],
		cliEnv('corporate', {MTLS_WIZARD_ANSWER_AGENT_KEY: agentKey}),
	);
	t.is(result.exitCode, 0, shown(result));
	// The extension's certificate file holds the leaf and the issuing CA; the trust file holds the chain to the root.
	const serverFile = await readFile(join(out, 'certs', 'extension-server.crt'), 'utf8');
	const blocks = serverFile.match(/-----BEGIN CERTIFICATE-----/g) ?? [];
	t.is(blocks.length, 2, 'leaf + issuing CA');
	const leaf = new X509Certificate(serverFile);
	t.true(leaf.checkIssued(new X509Certificate(issuing.certificatePem)));
	t.is(leaf.publicKey.asymmetricKeyType, 'ec');
	await assertDeployed(t, out, port);
	t.deepEqual(await containerNames(engine.env), ['steadybit-agent', 'steadybit-extension']);
});

test.serial('docker: caMode=csr stops for the PKI; openssl signs the requests under an issuing CA, resume --signed proves and deploys them', async t => {
	const {work, cliEnv, wizard} = setup();
	const pkiDir = join(work, 'csr-pki');
	await mkdir(pkiDir, {recursive: true});
	const root = await opensslCa(pkiDir, {name: 'root', subject: '/O=Corp/CN=Corp Root CA'});
	const issuing = await opensslCa(pkiDir, {name: 'issuing', subject: '/O=Corp/CN=Corp Issuing CA', parent: root, pathLength: 0});
	const port = await freePort();
	const out = join(work, 'csr');
	const env = cliEnv('csr', {MTLS_WIZARD_ANSWER_AGENT_KEY: agentKey});
	const requested = await wizard([...runArgs(out, port), '--set', 'caMode=csr'], env);
	t.is(requested.exitCode, 0, shown(requested));
	t.regex(requested.stdout, /Stopped at certificates for your PKI to sign/);
	t.notRegex(requested.stdout, /run-extension/, 'nothing is deployed before the certificates are signed');
	const resume = /^ {2}mtls-wizard resume (\S+) --signed (\S+)$/m.exec(requested.stdout);
	t.truthy(resume, requested.stdout);
	const [, id, signed] = resume!;
	t.is(signed, join(out, 'signed'));
	for (const leaf of ['extension-server', 'agent-client']) {
		const certificate = await opensslSignRequest(pkiDir, issuing, {name: leaf, csrPath: join(out, 'certs', `${leaf}.csr`)});
		await copyFile(certificate, join(signed!, `${leaf}.crt`));
	}

	await chainFile(signed!, 'ca.crt', [issuing, root]);
	const resumed = await wizard(['resume', id!, '--signed', signed!], env);
	t.is(resumed.exitCode, 0, shown(resumed));
	t.regex(resumed.stdout, /took the certificates your PKI signed/);
	t.regex(resumed.stdout, /mutual TLS proven on 127\.0\.0\.1/);
	t.regex(resumed.stdout, /confirmed: The extension serves HTTPS and requires a client certificate signed by the CA \(mutual TLS\)/);
	t.true(new X509Certificate(await readFile(join(out, 'certs', 'agent-client.crt'))).checkIssued(new X509Certificate(issuing.certificatePem)));
	await assertDeployed(t, out, port);
	const sessions = await readSessions(env['MTLS_WIZARD_HOME']!);
	t.is(sessions.find(session => session.id === id)?.outcome, 'done');
});
