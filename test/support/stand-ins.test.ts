import test from 'ava';
import {copyFile, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import https from 'node:https';
import {connect} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {stripAnsi} from '../../source/steps/log-checks.js';
import {makeTestPki, type TestPki} from './stand-ins/openssl-pki.js';
import {freePort, startStandIn, type RunningStandIn} from './stand-ins/run-stand-in.js';

let pki: TestPki;
let work: string;

test.before(async () => {
	work = await mkdtemp(join(tmpdir(), 'mtls-stand-ins-'));
	pki = await makeTestPki(join(work, 'pki'));
});

test.after.always(async () => {
	await rm(work, {recursive: true, force: true});
});

function run(t: {teardown(fn: () => Promise<void>): void}, name: string, options: {args?: string[]; env?: NodeJS.ProcessEnv}): RunningStandIn {
	const standIn = startStandIn(name, options);
	t.teardown(async () => standIn.stop());
	return standIn;
}

type Identity = {cert?: string; key?: string};

/**
 * Like the products (extension-kit logs "Starting ..." and then binds), stand-ins print their startup line just
 * before they listen: a connection refused in the first moments means "not bound yet", so it is tried again. A
 * loaded machine may not run the stand-in again for a while, so the limit is generous; only refusals are retried.
 */
async function whileRefused<T>(address: string, attempt: () => Promise<T>): Promise<T> {
	const bindPatienceMs = 60_000;
	const start = Date.now();
	for (;;) {
		try {
			return await attempt();
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ECONNREFUSED') throw error;
			if (Date.now() - start > bindPatienceMs) throw new Error(`${address} still refused connections ${bindPatienceMs / 1000} s after the stand-in printed its startup line: it never bound its port`, {cause: error});
			await new Promise(resolve => {
				setTimeout(resolve, 50);
			});
		}
	}
}

async function get(url: string, identity: Identity, caFile = pki.ca.cert): Promise<{status: number; body: string}> {
	return whileRefused(url, async () => getOnce(url, identity, caFile));
}

/** Resolves once a server accepts connections on the port: before a client stand-in whose first call is under test. */
async function listening(port: number): Promise<void> {
	await whileRefused(`127.0.0.1:${port}`, async () => new Promise<void>((resolve, reject) => {
		const socket = connect(port, '127.0.0.1', () => {
			socket.destroy();
			resolve();
		}).on('error', reject);
	}));
}

async function getOnce(url: string, identity: Identity, caFile: string): Promise<{status: number; body: string}> {
	const [ca, cert, key] = await Promise.all([readFile(caFile), identity.cert ? readFile(identity.cert) : undefined, identity.key ? readFile(identity.key) : undefined]);
	return new Promise((resolve, reject) => {
		const request = https.get(url, {ca, cert, key, agent: false}, response => {
			let body = '';
			response.on('data', (chunk: Buffer) => {
				body += chunk.toString('utf8');
			});
			response.on('end', () => {
				resolve({status: response.statusCode ?? 0, body});
			});
		});
		request.on('error', reject);
	});
}

test('steadybit-extension: mTLS line on stderr, accepts a client of the CA, logs and refuses another CA and a serverAuth-only cert', async t => {
	const port = await freePort();
	const extension = run(t, 'steadybit-extension', {env: {
		STEADYBIT_EXTENSION_TLS_SERVER_CERT: pki.server.cert,
		STEADYBIT_EXTENSION_TLS_SERVER_KEY: pki.server.key,
		STEADYBIT_EXTENSION_TLS_CLIENT_CAS: pki.ca.cert,
		STEADYBIT_EXTENSION_PORT: String(port),
	}});
	await extension.waitFor(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:]+Z INF Starting extension https server on port ${port} \\(ClientAuth: RequireAndVerifyClientCert\\)$`, 'm'));

	const ok = await get(`https://127.0.0.1:${port}/`, pki.client);
	t.is(ok.status, 200);
	t.true(Array.isArray((JSON.parse(ok.body) as {actions: unknown}).actions));

	await t.throwsAsync(get(`https://127.0.0.1:${port}/`, pki.otherClient));
	await extension.waitFor(/ERR http: TLS handshake error from 127\.0\.0\.1:\d+: tls: failed to verify certificate: x509: certificate signed by unknown authority/);
	// The refused client without a certificate goes first: the server logs the next refusal only after it has dealt
	// with that one, so once the next ERR line shows, a no-certificate line logged at ERR would show before it.
	await t.throwsAsync(get(`https://127.0.0.1:${port}/`, {}));
	await t.throwsAsync(get(`https://127.0.0.1:${port}/`, pki.serverAuthOnlyClient));
	await extension.waitFor(/ERR http: TLS handshake error from 127\.0\.0\.1:\d+: tls: failed to verify certificate: x509: certificate specifies an incompatible key usage/);
	t.notRegex(extension.stderr(), /client didn't provide a certificate/, 'no-certificate errors stay at DEBUG');
	// Its stdout is a pipe of its own, read in no fixed order with stderr: only once it has exited is all of it read.
	await extension.stop();
	t.is(extension.stdout(), '', 'extension-kit logs to stderr only');
});

test('steadybit-extension: server TLS only without client CAs, plain http without certs', async t => {
	const tlsPort = await freePort();
	const serverOnly = run(t, 'steadybit-extension', {env: {
		STEADYBIT_EXTENSION_TLS_SERVER_CERT: pki.server.cert,
		STEADYBIT_EXTENSION_TLS_SERVER_KEY: pki.server.key,
		STEADYBIT_EXTENSION_PORT: String(tlsPort),
	}});
	await serverOnly.waitFor(new RegExp(`INF Starting extension https server on port ${tlsPort} \\(ClientAuth: NoClientCert\\)`));
	t.is((await get(`https://127.0.0.1:${tlsPort}/`, {})).status, 200);

	const httpPort = await freePort();
	const plain = run(t, 'steadybit-extension', {env: {STEADYBIT_EXTENSION_PORT: String(httpPort)}});
	await plain.waitFor(new RegExp(`INF Starting extension http server on port ${httpPort}$`, 'm'));
});

test('steadybit-extension: startup failures are FTL with extension-kit texts and exit 1', async t => {
	const cases: Array<[NodeJS.ProcessEnv, string]> = [
		[{STEADYBIT_EXTENSION_TLS_CLIENT_CAS: pki.ca.cert}, 'error="failed to validate listen specification: TLS server certificate must be provided when TLS is enabled"'],
		[{STEADYBIT_EXTENSION_TLS_SERVER_CERT: pki.server.cert, STEADYBIT_EXTENSION_TLS_CLIENT_CAS: pki.ca.cert}, 'TLS server key must be provided when TLS is enabled'],
		[{STEADYBIT_EXTENSION_TLS_SERVER_CERT: pki.client.cert, STEADYBIT_EXTENSION_TLS_SERVER_KEY: pki.clientEncryptedKey}, 'error="failed to load TLS certificate: failed loading tls key pair: tls: failed to parse private key"'],
		[{STEADYBIT_EXTENSION_TLS_SERVER_CERT: pki.server.cert, STEADYBIT_EXTENSION_TLS_SERVER_KEY: pki.client.key}, 'tls: private key does not match public key'],
		[{STEADYBIT_EXTENSION_TLS_SERVER_CERT: pki.server.cert, STEADYBIT_EXTENSION_TLS_SERVER_KEY: '/nonexistent/tls.key'}, 'error="failed checking key file modification time: stat /nonexistent/tls.key: no such file or directory"'],
	];
	for (const [env, expected] of cases) {
		const extension = run(t, 'steadybit-extension', {env: {...env, STEADYBIT_EXTENSION_PORT: String(await freePort())}});
		t.is(await extension.exited(), 1);
		t.regex(extension.stderr(), /Z FTL Failed to start extension server /);
		t.true(extension.stderr().includes(expected), `${extension.stderr()} should include ${expected}`);
	}

	const json = run(t, 'steadybit-extension', {env: {STEADYBIT_EXTENSION_TLS_CLIENT_CAS: pki.ca.cert, STEADYBIT_LOG_FORMAT: 'json'}});
	t.is(await json.exited(), 1);
	t.like(JSON.parse(json.stderr().trim()) as object, {level: 'fatal', message: 'Failed to start extension server'});
});

test('steadybit-extension: a bad CA path only warns, then every client is refused; paths resolve under STAND_IN_ROOT', async t => {
	const root = join(work, 'root-extension');
	const secretDir = join(root, 'etc/extension/certificates/ext');
	await mkdir(secretDir, {recursive: true});
	await copyFile(pki.server.cert, join(secretDir, 'tls.crt'));
	await copyFile(pki.server.key, join(secretDir, 'tls.key'));
	const port = await freePort();
	const extension = run(t, 'steadybit-extension', {env: {
		STAND_IN_ROOT: root,
		STEADYBIT_LOG_LEVEL: 'debug',
		STEADYBIT_EXTENSION_TLS_SERVER_CERT: '/etc/extension/certificates/ext/tls.crt',
		STEADYBIT_EXTENSION_TLS_SERVER_KEY: '/etc/extension/certificates/ext/tls.key',
		STEADYBIT_EXTENSION_TLS_CLIENT_CAS: '/etc/extension/certificates/client-ca/tls.crt',
		STEADYBIT_EXTENSION_PORT: String(port),
	}});
	await extension.waitFor(/WRN failed to load TLS client CA certificates error="lstat \/etc\/extension\/certificates\/client-ca\/tls.crt: no such file or directory"/);
	await extension.waitFor(/ClientAuth: RequireAndVerifyClientCert/);
	await t.throwsAsync(get(`https://127.0.0.1:${port}/`, pki.client));
	await extension.waitFor(/ERR http: TLS handshake error .*certificate signed by unknown authority/);
});

test('steadybit-agent: logs the mutual TLS line, calls the extension with an encrypted PKCS#8 key, fails with another CA', async t => {
	const port = await freePort();
	const extension = run(t, 'steadybit-extension', {env: {
		STEADYBIT_EXTENSION_TLS_SERVER_CERT: pki.server.cert,
		STEADYBIT_EXTENSION_TLS_SERVER_KEY: pki.server.key,
		STEADYBIT_EXTENSION_TLS_CLIENT_CAS: pki.ca.cert,
		STEADYBIT_EXTENSION_PORT: String(port),
	}});
	await extension.waitFor(/Starting extension https server/);
	// The line comes just before the bind; the agent's first call is under test (no "Failed to call").
	await listening(port);
	const agentEnv = {
		STEADYBIT_AGENT_EXTENSIONS_REGISTRATIONS_0_URL: `https://localhost:${port}`,
		STEADYBIT_AGENT_EXTENSIONS_SERVER_CERT: pki.ca.cert,
		STEADYBIT_AGENT_EXTENSIONS_HOSTNAME_VERIFICATION: 'strict',
		STAND_IN_INTERVAL_MS: '500',
	};
	const agent = run(t, 'steadybit-agent', {env: {
		...agentEnv,
		STEADYBIT_AGENT_EXTENSIONS_CLIENT_CERT_CHAIN_FILE: pki.client.cert,
		STEADYBIT_AGENT_EXTENSIONS_CLIENT_CERT_KEY_FILE: pki.clientEncryptedKey,
		STEADYBIT_AGENT_EXTENSIONS_CLIENT_CERT_PASSWORD: pki.encryptedKeyPassword,
	}});
	await agent.waitFor(new RegExp(`INFO \\d+ --- \\[ +main\\] c\\.s\\.k\\.c\\.service\\.ExtensionHttpClient +: Configuring extension http client using mutual TLS \\(keyFile=${pki.clientEncryptedKey}, chainFile=${pki.client.cert}\\)`));
	await agent.waitFor(new RegExp(`Extension https://localhost:${port} responded with HTTP 200`));
	t.notRegex(agent.output(), /Failed to call/);

	const stranger = run(t, 'steadybit-agent', {env: {
		...agentEnv,
		STEADYBIT_AGENT_EXTENSIONS_CLIENT_CERT_CHAIN_FILE: pki.otherClient.cert,
		STEADYBIT_AGENT_EXTENSIONS_CLIENT_CERT_KEY_FILE: pki.otherClient.key,
	}});
	await stranger.waitFor(/Failed to call extension .*: javax\.net\.ssl\.SSLHandshakeException: Received fatal alert: bad_certificate/);
	await extension.waitFor(/ERR http: TLS handshake error .*certificate signed by unknown authority/);

	const untrusting = run(t, 'steadybit-agent', {env: {
		...agentEnv,
		STEADYBIT_AGENT_EXTENSIONS_SERVER_CERT: pki.otherCa.cert,
		STEADYBIT_AGENT_EXTENSIONS_CLIENT_CERT_CHAIN_FILE: pki.client.cert,
		STEADYBIT_AGENT_EXTENSIONS_CLIENT_CERT_KEY_FILE: pki.client.key,
	}});
	await untrusting.waitFor(/PKIX path building failed/);
});

test('steadybit-agent: the wrong password stops it', async t => {
	const agent = run(t, 'steadybit-agent', {env: {
		STEADYBIT_AGENT_EXTENSIONS_CLIENT_CERT_CHAIN_FILE: pki.client.cert,
		STEADYBIT_AGENT_EXTENSIONS_CLIENT_CERT_KEY_FILE: pki.clientEncryptedKey,
		STEADYBIT_AGENT_EXTENSIONS_CLIENT_CERT_PASSWORD: 'wrong',
	}});
	t.is(await agent.exited(), 1);
	t.regex(agent.stdout(), /ERROR .*Failed to configure extension http client/);
	t.notRegex(agent.stdout(), /Configuring extension http client using mutual TLS/);
});

function edgeKey(url: string): string {
	return Buffer.from(`${url}|127.0.0.1:8000|aa:bb:cc|3`).toString('base64');
}

test('portainer server and edge agent: coloured PRETTY startup lines, mTLS poll succeeds, failures use Go wording', async t => {
	const port = await freePort();
	const server = run(t, 'portainer-server', {args: ['--mtlscacert', pki.ca.cert, `--mtlscert=${pki.server.cert}`, '--mtlskey', pki.server.key, '--bind-https', `127.0.0.1:${port}`]});
	await server.waitFor(/starting HTTPS server/);
	t.regex(server.stderr(), /\u001B\[/, 'PRETTY output carries ANSI colours');
	const plain = stripAnsi(server.stderr());
	t.regex(plain, /^\d{4}\/\d\d\/\d\d \d\d:\d\d[AP]M INF api\/cmd\/portainer\/main\.go:\d+ > starting Portainer \| version=\S+/m);
	t.regex(plain, new RegExp(`INF api/http/server\\.go:365 > starting HTTPS server \\| bind_address=127\\.0\\.0\\.1:${port}`));

	// The server prints its startup line before it binds: the agent, whose first poll must not fail, starts once it answers.
	t.is((await get(`https://localhost:${port}/api/system/status`, pki.client)).status, 200);
	const agentEnv = {EDGE: '1', EDGE_ID: 'edge-1', EDGE_KEY: edgeKey(`https://localhost:${port}`), LOG_LEVEL: 'DEBUG', LOG_MODE: 'NOCOLOR', STAND_IN_POLL_INTERVAL_MS: '300'};
	const agent = run(t, 'portainer-agent', {args: ['--mtlscacert', pki.ca.cert, '--mtlscert', pki.client.cert, '--mtlskey', pki.client.key], env: agentEnv});
	await agent.waitFor(/DBG edge\/poll\.go:\d+ > +\| checkin_interval_seconds=5 port=0 schedule_count=0 status=IDLE/);
	t.notRegex(agent.output(), /an error occured/);

	const stranger = run(t, 'portainer-agent', {env: {...agentEnv, MTLS_SSL_CA: pki.ca.cert, MTLS_SSL_CERT: pki.otherClient.cert, MTLS_SSL_KEY: pki.otherClient.key}});
	await stranger.waitFor(/ERR edge\/poll\.go:\d+ > an error occured during short poll \| error="Get \\"https:\/\/localhost:\d+\/api\/endpoints\/3\/edge\/status\\": remote error: tls: bad certificate"/);

	const untrusting = run(t, 'portainer-agent', {env: {...agentEnv, MTLS_SSL_CA: pki.otherCa.cert, MTLS_SSL_CERT: pki.client.cert, MTLS_SSL_KEY: pki.client.key}});
	await untrusting.waitFor(/an error occured during short poll \| error=".*tls: failed to verify certificate: x509: certificate signed by unknown authority"/);

	const insecure = run(t, 'portainer-agent', {env: {...agentEnv, EDGE_INSECURE_POLL: '1', MTLS_SSL_CA: pki.ca.cert, MTLS_SSL_CERT: pki.client.cert, MTLS_SSL_KEY: pki.client.key}});
	await insecure.waitFor(/insecure_poll=true mtls=false/);
	await insecure.waitFor(/an error occured during short poll \| error="short poll request failed"/);
});

test('portainer: the Auto onboarding key gives each EDGE_ID its own environment; an environment bound to one EDGE_ID refuses another; the server names each polling and each refused certificate', async t => {
	const port = await freePort();
	const server = run(t, 'portainer-server', {args: ['--mtlscacert', pki.ca.cert, '--mtlscert', pki.server.cert, '--mtlskey', pki.server.key, '--bind-https', `:${port}`, '--log-mode', 'NOCOLOR']});
	await server.waitFor(/starting HTTPS server/);
	const url = `https://localhost:${port}`;
	const identity = {MTLS_SSL_CA: pki.ca.cert, MTLS_SSL_CERT: pki.client.cert, MTLS_SSL_KEY: pki.client.key};
	const agentEnv = (edgeId: string, endpointId: number) => ({EDGE: '1', EDGE_ID: edgeId, EDGE_KEY: Buffer.from(`${url}|127.0.0.1:8000|aa:bb:cc|${endpointId}`).toString('base64'), LOG_LEVEL: 'DEBUG', LOG_MODE: 'NOCOLOR', STAND_IN_POLL_INTERVAL_MS: '300', ...identity});

	const first = run(t, 'portainer-agent', {env: agentEnv('device-a', 0)});
	const second = run(t, 'portainer-agent', {env: agentEnv('device-b', 0)});
	await Promise.all([first.waitFor(/checkin_interval_seconds=/), second.waitFor(/checkin_interval_seconds=/)]);
	const ids = [first, second].map(agent => /INF edge\/edge\.go:144 > setting endpoint ID \| endpoint_id=(\d+)/.exec(agent.output())?.[1]);
	t.truthy(ids[0]);
	t.truthy(ids[1]);
	t.not(ids[0], ids[1], 'each EDGE_ID is its own environment');
	// Each line is awaited: the server's stderr and the agents' output are separate pipes, read in no fixed order.
	await server.waitFor(new RegExp(`INF stand-in > stand-in: edge poll over mutual TLS \\| client_cn=client edge_id=device-a endpoint_id=${ids[0]!}`));
	await server.waitFor(new RegExp(`INF stand-in > stand-in: edge poll over mutual TLS \\| client_cn=client edge_id=device-b endpoint_id=${ids[1]!}`));

	const owner = run(t, 'portainer-agent', {env: agentEnv('device-c', 3)});
	await owner.waitFor(/checkin_interval_seconds=/);
	const intruder = run(t, 'portainer-agent', {env: agentEnv('device-d', 3)});
	await intruder.waitFor(/an error occured during short poll \| error="short poll request failed"/);
	t.regex(intruder.output(), /poll request failure \| response_code=403/);
	t.notRegex(intruder.output(), /checkin_interval_seconds=/);

	const stranger = run(t, 'portainer-agent', {env: {...agentEnv('device-e', 0), MTLS_SSL_CERT: pki.otherClient.cert, MTLS_SSL_KEY: pki.otherClient.key}});
	await stranger.waitFor(/an error occured during short poll \| error="Post \\"https:\/\/localhost:\d+\/api\/endpoints\/global-key\\": remote error: tls: bad certificate"/);
	await server.waitFor(/stand-in: client certificate refused \| client_cn=other-client error=/);
	t.notRegex(server.stderr(), /client_cn=other-client edge_id=/);
});

test('portainer server trusts every CA of its --mtlscacert file, read when it starts; the edge agent reads its files again when they change', async t => {
	const dir = await mkdtemp(join(work, 'rotation-'));
	const bundle = join(dir, 'both.crt');
	await writeFile(bundle, `${await readFile(pki.ca.cert, 'utf8')}${await readFile(pki.otherCa.cert, 'utf8')}`);
	const port = await freePort();
	const server = run(t, 'portainer-server', {args: ['--mtlscacert', bundle, '--mtlscert', pki.server.cert, '--mtlskey', pki.server.key, '--bind-https', `127.0.0.1:${port}`, '--log-mode', 'NOCOLOR']});
	await server.waitFor(/starting HTTPS server/);
	const status = `https://localhost:${port}/api/endpoints/1/edge/status`;
	t.is((await get(status, pki.client)).status, 200, 'a client of the first CA');
	t.is((await get(status, pki.otherClient)).status, 200, 'and one of the second');
	await writeFile(bundle, await readFile(pki.otherCa.cert, 'utf8'));
	t.is((await get(status, pki.client)).status, 200, 'the file changed on disk, but the pool is the one read at start');

	// The agent starts trusting another CA, so its polls fail; once its CA file holds the server's CA it polls again.
	const caFile = join(dir, 'agent-ca.crt');
	await copyFile(pki.otherCa.cert, caFile);
	const agent = run(t, 'portainer-agent', {env: {EDGE: '1', EDGE_ID: 'edge-1', EDGE_KEY: edgeKey(`https://localhost:${port}`), LOG_LEVEL: 'DEBUG', LOG_MODE: 'NOCOLOR', STAND_IN_POLL_INTERVAL_MS: '200', MTLS_SSL_CA: caFile, MTLS_SSL_CERT: pki.client.cert, MTLS_SSL_KEY: pki.client.key}});
	await agent.waitFor(/an error occured during short poll .*x509: certificate signed by unknown authority/);
	t.notRegex(agent.output(), /checkin_interval_seconds=/);
	await writeFile(caFile, await readFile(pki.ca.cert, 'utf8'));
	await agent.waitFor(/reloading certificates/);
	await agent.waitFor(/checkin_interval_seconds=5/);
});

test('portainer edge agent: a server name outside the SANs is refused like Go', async t => {
	const port = await freePort();
	const server = run(t, 'portainer-server', {args: ['--mtlscacert', pki.ca.cert, '--mtlscert', pki.wrongNameServer.cert, '--mtlskey', pki.wrongNameServer.key, '--bind-https', `:${port}`, '--log-mode', 'NOCOLOR']});
	await server.waitFor(/starting HTTPS server \| bind_address=:\d+/);
	t.notRegex(server.stderr(), /\u001B\[/);
	const agent = run(t, 'portainer-agent', {env: {EDGE: '1', EDGE_KEY: edgeKey(`https://localhost:${port}`), LOG_MODE: 'NOCOLOR', MTLS_SSL_CA: pki.ca.cert, MTLS_SSL_CERT: pki.client.cert, MTLS_SSL_KEY: pki.client.key}});
	await agent.waitFor(/error=".*tls: failed to verify certificate: x509: certificate is valid for wrong\.example, not localhost"/);
});

test('harness delegate: mTLS line, registration and heartbeat through the manager; refusal without a client certificate', async t => {
	const port = await freePort();
	const manager = run(t, 'harness-manager', {args: ['--cert', pki.server.cert, '--key', pki.server.key, '--client-ca', pki.ca.cert, '--port', String(port)]});
	await manager.waitFor(/listening on https:\/\/127\.0\.0\.1/);
	const base = {MANAGER_HOST_AND_PORT: `https://localhost:${port}`, ACCOUNT_ID: 'acc-1', DELEGATE_NAME: 'd1', DELEGATE_TOKEN: 'token', STAND_IN_EXTRA_CA: pki.ca.cert, STAND_IN_HEARTBEAT_MS: '300'};
	const delegate = run(t, 'harness-delegate', {env: {...base, DELEGATE_CLIENT_CERTIFICATE_PATH: pki.client.cert, DELEGATE_CLIENT_CERTIFICATE_KEY_PATH: pki.client.key}});
	await delegate.waitFor(/INFO +\[main\] \S+ - Delegate is running with mTLS enabled\.$/m);
	await delegate.waitFor(/Delegate registered with id/);
	await delegate.waitFor(/Sent heartbeat to manager/);
	await manager.waitFor(/registered delegate d1 .* for account acc-1 with client certificate client/);

	const withoutCert = run(t, 'harness-delegate', {env: base});
	await withoutCert.waitFor(/Failed to register delegate: javax\.net\.ssl\.SSLHandshakeException: Received fatal alert: certificate_required/);
	t.notRegex(withoutCert.output(), /mTLS enabled/);
	await manager.waitFor(/TLS handshake error from 127\.0\.0\.1:\d+: tls: client didn't provide a certificate/);

	const stranger = run(t, 'harness-delegate', {env: {...base, DELEGATE_CLIENT_CERTIFICATE_PATH: pki.otherClient.cert, DELEGATE_CLIENT_CERTIFICATE_KEY_PATH: pki.otherClient.key}});
	await stranger.waitFor(/Failed to register delegate: javax\.net\.ssl\.SSLHandshakeException: Received fatal alert: bad_certificate/);
});

test('harness delegate: key rules of X509KeyManagerBuilder', async t => {
	const invalidFormat = 'Invalid format for key (expected PEM format with DER encoded key in PKCS8 format) - Only one key per file is allowed and it has to start with -----BEGIN PRIVATE KEY----- and end with -----END PRIVATE KEY-----.';
	const twoKeys = join(work, 'two-keys.key');
	await writeFile(twoKeys, (await readFile(pki.client.key, 'utf8')) + (await readFile(pki.server.key, 'utf8')), {mode: 0o600});
	const cases: Array<[string, string, string]> = [
		[pki.clientPkcs1Key, pki.client.cert, invalidFormat],
		[pki.clientEncryptedKey, pki.client.cert, invalidFormat],
		[twoKeys, pki.client.cert, invalidFormat],
		[pki.ecKey, pki.client.cert, 'Failed to generate key (expected DER encoded key in PKCS8 format): '],
		[pki.server.key, pki.client.cert, 'Failed to generate keystore from certificate: '],
		[join(work, 'missing.key'), pki.client.cert, `Failed to read file '${join(work, 'missing.key')}': `],
		[pki.client.key, pki.client.key, `Failed to load certificate(s) from '${pki.client.key}': `],
	];
	for (const [key, cert, expected] of cases) {
		const delegate = run(t, 'harness-delegate', {env: {MANAGER_HOST_AND_PORT: 'https://127.0.0.1:1', DELEGATE_CLIENT_CERTIFICATE_PATH: cert, DELEGATE_CLIENT_CERTIFICATE_KEY_PATH: key}});
		t.is(await delegate.exited(), 1, key);
		t.true(delegate.stdout().includes(expected), `${delegate.stdout()} should include ${expected}`);
		t.notRegex(delegate.stdout(), /mTLS enabled/);
	}
});

test('sap connectivity proxy: mounted secret dir, client certificates required, /healthcheck, no TLS log line', async t => {
	const root = join(work, 'root-sap');
	const dir = join(root, 'etc/connectivity/tls/business-data-tunnel');
	await mkdir(dir, {recursive: true});
	await copyFile(pki.server.cert, join(dir, 'tls.crt'));
	await copyFile(pki.server.key, join(dir, 'tls.key'));
	await copyFile(pki.ca.cert, join(dir, 'ca.crt'));
	const port = await freePort();
	const proxy = run(t, 'sap-connectivity-proxy', {env: {STAND_IN_ROOT: root, CONNECTIVITY_PROXY_TUNNEL_PORT: String(port)}});
	await proxy.waitFor(/Connectivity proxy started/);
	const ok = await get(`https://127.0.0.1:${port}/healthcheck`, pki.client);
	t.is(ok.status, 200);
	t.is(ok.body, 'OK');
	await t.throwsAsync(get(`https://127.0.0.1:${port}/healthcheck`, {}));
	await t.throwsAsync(get(`https://127.0.0.1:${port}/healthcheck`, pki.otherClient));
	t.notRegex(proxy.output(), /mTLS|mutual|ClientAuth/i);
});

test('steadybit-extension: CLIENT_CAS is a comma list of files and directories', async t => {
	const caDir = join(work, 'client-cas/nested');
	await mkdir(caDir, {recursive: true});
	await copyFile(pki.ca.cert, join(caDir, 'ca.pem'));
	await writeFile(join(work, 'client-cas/readme.txt'), 'not PEM: ignored like Go AppendCertsFromPEM\n');
	const port = await freePort();
	const extension = run(t, 'steadybit-extension', {env: {
		STEADYBIT_EXTENSION_TLS_SERVER_CERT: pki.server.cert,
		STEADYBIT_EXTENSION_TLS_SERVER_KEY: pki.server.key,
		STEADYBIT_EXTENSION_TLS_CLIENT_CAS: `${pki.otherCa.cert}, ${join(work, 'client-cas')}`,
		STEADYBIT_EXTENSION_PORT: String(port),
	}});
	await extension.waitFor(/ClientAuth: RequireAndVerifyClientCert/);
	t.is((await get(`https://127.0.0.1:${port}/`, pki.client)).status, 200);
	t.is((await get(`https://127.0.0.1:${port}/`, pki.otherClient)).status, 200);
	t.notRegex(extension.stderr(), /WRN|ERR/);
});

test('steadybit-agent: hostname verification modes (default skips IPs, strict checks them)', async t => {
	const port = await freePort();
	const extension = run(t, 'steadybit-extension', {env: {
		STEADYBIT_EXTENSION_TLS_SERVER_CERT: pki.wrongNameServer.cert,
		STEADYBIT_EXTENSION_TLS_SERVER_KEY: pki.wrongNameServer.key,
		STEADYBIT_EXTENSION_TLS_CLIENT_CAS: pki.ca.cert,
		STEADYBIT_EXTENSION_PORT: String(port),
	}});
	await extension.waitFor(/Starting extension https server/);
	// The line comes just before the bind, and each agent calls once a minute: its first calls are the ones under test.
	await listening(port);
	const base = {
		STEADYBIT_AGENT_EXTENSIONS_CLIENT_CERT_CHAIN_FILE: pki.client.cert,
		STEADYBIT_AGENT_EXTENSIONS_CLIENT_CERT_KEY_FILE: pki.client.key,
		STEADYBIT_AGENT_EXTENSIONS_SERVER_CERT: pki.ca.cert,
		STEADYBIT_AGENT_EXTENSIONS_REGISTRATIONS_0_URL: `https://127.0.0.1:${port}`,
		STEADYBIT_AGENT_EXTENSIONS_REGISTRATIONS_1_URL: `https://localhost:${port}`,
		STAND_IN_INTERVAL_MS: '60000',
	};
	const lenient = run(t, 'steadybit-agent', {env: base});
	await lenient.waitFor(/Failed to call extension https:\/\/localhost:\d+: javax\.net\.ssl\.SSLHandshakeException: No subject alternative DNS name matching localhost found\./);
	t.regex(lenient.output(), new RegExp(`Extension https://127\\.0\\.0\\.1:${port} responded with HTTP 200`));

	const strict = run(t, 'steadybit-agent', {env: {...base, STEADYBIT_AGENT_EXTENSIONS_HOSTNAME_VERIFICATION: 'strict'}});
	await strict.waitFor(/Failed to call extension https:\/\/127\.0\.0\.1:\d+: javax\.net\.ssl\.SSLHandshakeException: No subject alternative names matching IP address 127\.0\.0\.1 found/);
});
