import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {createServer as createHttpsServer} from 'node:https';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createServer, type Server, type TlsOptions} from 'node:tls';
import {createServer as createNetServer, type AddressInfo} from 'node:net';
import test from 'ava';
import {NotConfirmedError, StepFailedError} from '../../source/errors.js';
import type {TlsProbeStep} from '../../source/plan/types.js';
import {issueCa} from '../../source/pki/issue-ca.js';
import {issueLeaf} from '../../source/pki/issue-leaf.js';
import {probeTls} from '../../source/steps/tls-probe.js';
import {freePort} from '../support/free-port.js';
import {recordingContext} from './support/step-context.js';

type Pki = {dir: string; ca: string; serverCert: string; serverKey: string; otherCa: string; rogueCert: string; rogueKey: string};
let pki: Pki;

test.before(async () => {
	const dir = await mkdtemp(join(tmpdir(), 'mtls-probe-'));
	const ca = await issueCa({commonName: 'Probe Test CA', days: 30, keySize: 2048});
	const otherCa = await issueCa({commonName: 'Other CA', days: 30, keySize: 2048});
	const server = await issueLeaf(ca, {role: 'server', commonName: 'extension.local', dnsNames: ['extension.local'], ipAddresses: ['127.0.0.1'], days: 30, keySize: 2048});
	const client = await issueLeaf(ca, {role: 'client', commonName: 'agent', dnsNames: [], ipAddresses: [], days: 30, keySize: 2048});
	const rogue = await issueLeaf(otherCa, {role: 'client', commonName: 'agent', dnsNames: [], ipAddresses: [], days: 30, keySize: 2048});
	const files: Record<string, string> = {
		'ca.crt': ca.certificatePem,
		'other-ca.crt': otherCa.certificatePem,
		'client.crt': client.certificatePem,
		'client.key': client.privateKeyPem,
		'rogue.crt': rogue.certificatePem,
		'rogue.key': rogue.privateKeyPem,
	};
	for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content, {mode: 0o600});
	pki = {dir, ca: ca.certificatePem, serverCert: server.certificatePem, serverKey: server.privateKeyPem, otherCa: otherCa.certificatePem, rogueCert: rogue.certificatePem, rogueKey: rogue.privateKeyPem};
});

test.after.always(async () => {
	await rm(pki.dir, {recursive: true, force: true});
});

const hints = [
	{pattern: 'self[- ]signed|unable to verify|unable to get', hint: 'The server certificate is not from the CA the wizard issued.'},
	{pattern: 'altname|does not match', hint: 'The server certificate does not name this host.'},
	{pattern: 'alert|refused the client certificate', hint: 'The server refused the client certificate: check its client CA.'},
	{pattern: 'ECONNREFUSED', hint: 'Nothing listens on the port: is the server running?'},
];

function probeStep(port: number, overrides: Partial<Omit<TlsProbeStep, 'host' | 'hostFrom'>> = {}): TlsProbeStep {
	return {
		id: 'probe-extension',
		title: 'Probe the extension over mutual TLS',
		kind: 'tls-probe',
		host: '127.0.0.1',
		port,
		serverName: 'extension.local',
		caFile: join(pki.dir, 'ca.crt'),
		clientCertFile: join(pki.dir, 'client.crt'),
		clientKeyFile: join(pki.dir, 'client.key'),
		timeoutSeconds: 20,
		failureHints: hints,
		...overrides,
	};
}

async function listen(server: Server | ReturnType<typeof createHttpsServer>): Promise<number> {
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	return (server.address() as AddressInfo).port;
}

async function withTlsServer(options: TlsOptions, run: (port: number) => Promise<void>): Promise<void> {
	const server = createServer({key: pki.serverKey, cert: pki.serverCert, ...options}, socket => {
		socket.on('error', () => undefined);
	});
	server.on('tlsClientError', () => undefined);
	const port = await listen(server);
	try {
		await run(port);
	} finally {
		await new Promise(resolve => server.close(resolve));
	}
}

const mutual: TlsOptions = {ca: undefined, requestCert: true, rejectUnauthorized: true};

for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
	test(`${version}: the client certificate is accepted and a client without one is refused`, async t => {
		await withTlsServer({...mutual, ca: pki.ca, minVersion: version, maxVersion: version}, async port => {
			const context = recordingContext();
			const outcome = await probeTls(probeStep(port), context);
			t.regex(outcome.detail ?? '', new RegExp(`mutual TLS proved on 127.0.0.1:${port}: client certificate accepted \\(${version}\\), no certificate refused`));
			t.true(context.lines.some(line => /refused without a client certificate/.test(line.line)));
		});
	});
}

test('with httpPath the application must answer over mutual TLS', async t => {
	const server = createHttpsServer({key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: true, rejectUnauthorized: true}, (request, response) => {
		response.end(request.url === '/health' ? 'ok' : 'no');
	});
	server.on('tlsClientError', () => undefined);
	const port = await listen(server);
	try {
		const outcome = await probeTls(probeStep(port, {httpPath: '/health'}), recordingContext());
		t.regex(outcome.detail ?? '', /GET \/health answered HTTP 200/);
	} finally {
		server.closeAllConnections();
		await new Promise(resolve => server.close(resolve));
	}
});

test('a server that does not ask for client certificates fails: mutual TLS not enforced', async t => {
	await withTlsServer({requestCert: false}, async port => {
		const error = await t.throwsAsync(probeTls(probeStep(port), recordingContext()), {instanceOf: StepFailedError});
		t.regex(error.message, /accepted a client without a certificate: mutual TLS is not enforced/);
		t.is(error.exitCode, 1);
	});
});

test('a server certificate from another CA fails with the matching hint', async t => {
	await withTlsServer({...mutual, ca: pki.ca}, async port => {
		const error = await t.throwsAsync(probeTls(probeStep(port, {caFile: join(pki.dir, 'other-ca.crt')}), recordingContext()), {instanceOf: StepFailedError});
		t.regex(error.message, /probe of 127\.0\.0\.1:\d+ with the client certificate failed/);
		t.is(error.hint, 'The server certificate is not from the CA the wizard issued.');
	});
});

test('the wrong server name fails with the matching hint', async t => {
	await withTlsServer({...mutual, ca: pki.ca}, async port => {
		const error = await t.throwsAsync(probeTls(probeStep(port, {serverName: 'other.local'}), recordingContext()), {instanceOf: StepFailedError});
		t.is(error.hint, 'The server certificate does not name this host.');
	});
});

test('a server that trusts another client CA refuses the client certificate', async t => {
	await withTlsServer({...mutual, ca: pki.otherCa}, async port => {
		const error = await t.throwsAsync(probeTls(probeStep(port), recordingContext()), {instanceOf: StepFailedError});
		t.is(error.hint, 'The server refused the client certificate: check its client CA.');
	});
});

test('nothing listening until the timeout: not confirmed (exit 3)', async t => {
	// Not a port bound to 0 and closed: the kernel may hand that one to a server of a test running beside this one.
	const port = await freePort();
	const error = await t.throwsAsync(probeTls(probeStep(port, {timeoutSeconds: 1}), recordingContext()), {instanceOf: NotConfirmedError});
	t.is(error.exitCode, 3);
	t.is(error.hint, 'Nothing listens on the port: is the server running?');
});

test('without presenting a client certificate, the server certificate and name are still proved', async t => {
	await withTlsServer({...mutual, ca: pki.otherCa}, async port => {
		const outcome = await probeTls(probeStep(port, {presentClientCertificate: false}), recordingContext());
		t.regex(outcome.detail ?? '', /server certificate for extension\.local .* proved \(no client certificate presented\)/);
		const error = await t.throwsAsync(probeTls(probeStep(port, {presentClientCertificate: false, caFile: join(pki.dir, 'other-ca.crt')}), recordingContext()));
		t.is((error as StepFailedError).hint, 'The server certificate is not from the CA the wizard issued.');
	});
});

test('a missing client key file is named', async t => {
	const error = await t.throwsAsync(probeTls(probeStep(1, {clientKeyFile: join(pki.dir, 'missing.key')}), recordingContext()), {instanceOf: StepFailedError});
	t.regex(error.message, /cannot read the client key .*missing\.key: ENOENT/);
});

/** The client key encrypted as the certificates step writes it when the recipe gives a passphrase. */
async function encryptedClientKey(passphrase: string): Promise<string> {
	const {createPrivateKey} = await import('node:crypto');
	const {readFile} = await import('node:fs/promises');
	const plain = await readFile(join(pki.dir, 'client.key'), 'utf8');
	const file = join(pki.dir, 'client-encrypted.key');
	await writeFile(file, createPrivateKey(plain).export({type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase}) as string, {mode: 0o600});
	return file;
}

const passphrase = 'Pass-Phrase-SECRET-91';

test('an encrypted client key is opened with the secret passphrase answer, which never reaches output or the outcome', async t => {
	const clientKeyFile = await encryptedClientKey(passphrase);
	await withTlsServer({...mutual, ca: pki.ca}, async port => {
		const context = recordingContext({secrets: {agentKeyPassphrase: passphrase}});
		const outcome = await probeTls(probeStep(port, {clientKeyFile, keyPassphrase: {secret: 'agentKeyPassphrase'}}), context);
		t.regex(outcome.detail ?? '', /client certificate accepted .*, no certificate refused/);
		t.false(JSON.stringify([outcome, context.lines]).includes(passphrase));

		const stranger = await probeTls(probeStep(port, {clientKeyFile, keyPassphrase: {secret: 'agentKeyPassphrase'}, clientCertificateOptional: true}), recordingContext({secrets: {agentKeyPassphrase: passphrase}}));
		t.regex(stranger.detail ?? '', /a certificate from another CA refused/);
	});
});

test('an encrypted client key with the wrong passphrase or none fails without showing the passphrase', async t => {
	const clientKeyFile = await encryptedClientKey(passphrase);
	await withTlsServer({...mutual, ca: pki.ca}, async port => {
		const wrong = await t.throwsAsync(probeTls(probeStep(port, {clientKeyFile, keyPassphrase: {secret: 'agentKeyPassphrase'}}), recordingContext({secrets: {agentKeyPassphrase: 'not-it-SECRET'}})), {instanceOf: StepFailedError});
		t.is(wrong?.message, `probe-extension: cannot open the client key ${clientKeyFile} (bad decrypt)`);
		t.is((wrong as StepFailedError).hint, 'Check the secret answer agentKeyPassphrase: it must be the passphrase the key was encrypted with.');
		const missing = await t.throwsAsync(probeTls(probeStep(port, {clientKeyFile, keyPassphrase: {secret: 'agentKeyPassphrase'}}), recordingContext()), {instanceOf: StepFailedError});
		t.regex(missing?.message ?? '', /The secret answer 'agentKeyPassphrase' is not available/);
	});
});

/** A context whose docker answers `container inspect` with these networks. */
function inspecting(networks: Record<string, {IPAddress: string}>) {
	const context = recordingContext();
	const calls: string[][] = [];
	context.run = async command => {
		calls.push(command.args);
		return {exitCode: 0, stdout: `${JSON.stringify(networks)}\n`, stderr: '', display: `docker ${command.args.join(' ')}`};
	};

	return {context, calls};
}

function containerProbe(port: number): TlsProbeStep {
	const {host: _host, ...rest} = probeStep(port);
	return {...rest, hostFrom: {dockerContainer: 'steadybit-extension', network: 'steadybit'}};
}

test('hostFrom: the probe connects to the address the container has on the named network', async t => {
	await withTlsServer({...mutual, ca: pki.ca}, async port => {
		const {context, calls} = inspecting({bridge: {IPAddress: '10.9.9.9'}, steadybit: {IPAddress: '127.0.0.1'}});
		const outcome = await probeTls(containerProbe(port), context);
		t.deepEqual(calls, [['container', 'inspect', '--format', '{{json .NetworkSettings.Networks}}', 'steadybit-extension']]);
		t.regex(outcome.detail ?? '', new RegExp(`mutual TLS proved on 127\\.0\\.0\\.1:${port}`));
		t.true(context.lines.some(line => line.line === 'steadybit-extension has the address 127.0.0.1 on steadybit'));
	});
});

test('hostFrom: a container not on the network, or stopped, fails naming what it is on', async t => {
	const elsewhere = await t.throwsAsync(probeTls(containerProbe(1), inspecting({bridge: {IPAddress: '172.17.0.2'}}).context), {instanceOf: StepFailedError});
	t.is(elsewhere?.message, 'container steadybit-extension is not on the network steadybit (it is on: bridge)');
	const stopped = await t.throwsAsync(probeTls(containerProbe(1), inspecting({steadybit: {IPAddress: ''}}).context), {instanceOf: StepFailedError});
	t.is(stopped?.message, 'container steadybit-extension has no address on steadybit: it is not running');
	t.is((stopped as StepFailedError).hint, 'See why it stopped: docker logs steadybit-extension');
});

test('a port that accepts and resets before the TLS handshake (a userland proxy whose container is not up yet) is retried until the server answers', async t => {
	const tls = createServer({key: pki.serverKey, cert: pki.serverCert, ...mutual, ca: pki.ca}, socket => {
		socket.on('error', () => undefined);
	});
	tls.on('tlsClientError', () => undefined);
	let resets = 0;
	// Like docker-proxy: it accepts every connection, and resets the first ones because nothing listens behind it.
	const proxy = createNetServer(socket => {
		if (resets < 3) {
			resets++;
			socket.resetAndDestroy();
			return;
		}

		tls.emit('connection', socket);
	});
	const port = await listen(proxy as unknown as Server);
	t.teardown(() => {
		proxy.close();
	});
	const outcome = await probeTls(probeStep(port), recordingContext());
	t.is(resets, 3);
	t.regex(outcome.detail ?? '', /mutual TLS proved on 127\.0\.0\.1:\d+: client certificate accepted/);
});
