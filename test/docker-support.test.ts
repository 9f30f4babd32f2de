import test from 'ava';
import {chmod, copyFile, mkdir, mkdtemp, readFile, rm} from 'node:fs/promises';
import https from 'node:https';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {stripAnsi} from '../source/steps/log-checks.js';
import {docker, initSwarm, runCommand, startPrivateDocker, type PrivateDocker} from './support/private-docker.js';
import {buildStandInImage} from './support/stand-in-image.js';
import {makeTestPki, type TestPki} from './support/stand-ins/openssl-pki.js';
import {freePort} from './support/stand-ins/run-stand-in.js';

let engine: PrivateDocker | undefined;
let pki: TestPki;
let work: string;

test.before(async () => {
	work = await mkdtemp(join(tmpdir(), 'mtls-docker-support-'));
	pki = await makeTestPki(join(work, 'pki'));
	engine = await startPrivateDocker();
});

test.after.always(async () => {
	await engine?.stop();
	await rm(work, {recursive: true, force: true});
});

function env(): NodeJS.ProcessEnv {
	if (!engine) {
		throw new Error('private engine did not start');
	}

	return engine.env;
}

async function waitForLogs(command: string[], pattern: RegExp, timeoutMs = 30_000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	let logs = '';
	while (Date.now() < deadline) {
		const result = await runCommand('docker', command, {env: env()});
		logs = result.stdout + result.stderr;
		if (pattern.test(logs)) {
			return logs;
		}

		await sleep(200);
	}

	throw new Error(`docker ${command.join(' ')}: no line matching ${String(pattern)}. Logs:\n${logs}`);
}

async function get(port: number, identity: {cert: string; key: string}): Promise<number> {
	const [ca, cert, key] = await Promise.all([readFile(pki.ca.cert), readFile(identity.cert), readFile(identity.key)]);
	return new Promise((resolve, reject) => {
		https.get(`https://127.0.0.1:${port}/`, {ca, cert, key, agent: false}, response => {
			response.resume();
			resolve(response.statusCode ?? 0);
		}).on('error', reject);
	});
}

test.serial('the private engine answers and uses no bridge', async t => {
	const info = JSON.parse(await docker(env(), ['info', '--format', '{{json .}}'])) as {ServerVersion: string; Driver: string};
	t.truthy(info.ServerVersion);
	t.log(`dockerd ${info.ServerVersion}, storage driver ${info.Driver}`);
	const networks = (await docker(env(), ['network', 'ls', '--format', '{{.Name}}'])).trim().split('\n');
	t.false(networks.includes('bridge'));
});

test.serial('a Steadybit extension stand-in container with mounted certificates: startup line, mTLS accepted, other CA refused', async t => {
	const image = await buildStandInImage(env(), 'steadybit-extension');
	t.is(image, 'stand-in/steadybit-extension:test');
	const secretDir = join(work, 'extension-secret');
	const clientCaDir = join(work, 'client-ca-secret');
	await mkdir(secretDir, {mode: 0o700});
	await mkdir(clientCaDir, {mode: 0o700});
	await copyFile(pki.server.cert, join(secretDir, 'tls.crt'));
	await copyFile(pki.server.key, join(secretDir, 'tls.key'));
	await chmod(join(secretDir, 'tls.key'), 0o600);
	await copyFile(pki.ca.cert, join(clientCaDir, 'tls.crt'));
	const port = await freePort();
	const name = `extension-${port}`;
	t.teardown(async () => {
		await runCommand('docker', ['rm', '-f', name], {env: env()});
	});
	await docker(env(), [
		'run', '-d', '--name', name, '--network', 'host',
		'-v', `${secretDir}:/etc/extension/certificates/extension-tls:ro`,
		'-v', `${clientCaDir}:/etc/extension/certificates/client-ca:ro`,
		'-e', 'STEADYBIT_EXTENSION_TLS_SERVER_CERT=/etc/extension/certificates/extension-tls/tls.crt',
		'-e', 'STEADYBIT_EXTENSION_TLS_SERVER_KEY=/etc/extension/certificates/extension-tls/tls.key',
		'-e', 'STEADYBIT_EXTENSION_TLS_CLIENT_CAS=/etc/extension/certificates/client-ca/tls.crt',
		'-e', `STEADYBIT_EXTENSION_PORT=${port}`,
		image,
	]);
	await waitForLogs(['logs', name], new RegExp(`Z INF Starting extension https server on port ${port} \\(ClientAuth: RequireAndVerifyClientCert\\)`));
	const stdoutOnly = await docker(env(), ['logs', name]);
	t.is(stdoutOnly, '', 'the extension logs to stderr');

	t.is(await get(port, pki.client), 200);
	await t.throwsAsync(get(port, pki.otherClient));
	await waitForLogs(['logs', name], /ERR http: TLS handshake error from 127\.0\.0\.1:\d+: tls: failed to verify certificate: x509: certificate signed by unknown authority/);
});

test.serial('swarm on the private engine: a Portainer server stand-in service reads its mTLS files from docker secrets', async t => {
	await initSwarm(env());
	const image = await buildStandInImage(env(), 'portainer-server');
	for (const [secret, file] of [['portainer.mtlscacert', pki.ca.cert], ['portainer.mtlscert', pki.server.cert], ['portainer.mtlskey', pki.server.key]] as const) {
		await docker(env(), ['secret', 'create', secret, '-'], await readFile(file));
	}

	const port = await freePort();
	await docker(env(), [
		'service', 'create', '--detach', '--no-resolve-image', '--name', 'portainer', '--network', 'host',
		'--secret', 'portainer.mtlscacert', '--secret', 'portainer.mtlscert', '--secret', 'portainer.mtlskey',
		image,
		'--mtlscacert', '/run/secrets/portainer.mtlscacert', '--mtlscert', '/run/secrets/portainer.mtlscert', '--mtlskey', '/run/secrets/portainer.mtlskey',
		'--bind-https', `127.0.0.1:${port}`,
	]);
	const logs = await waitForLogs(['service', 'logs', '--raw', 'portainer'], /starting HTTPS server/, 60_000);
	t.regex(stripAnsi(logs), new RegExp(`INF api/http/server\\.go:365 > starting HTTPS server \\| bind_address=127\\.0\\.0\\.1:${port}`));
	const status = await new Promise<number>((resolve, reject) => {
		void Promise.all([readFile(pki.ca.cert), readFile(pki.client.cert), readFile(pki.client.key)]).then(([ca, cert, key]) => {
			https.get(`https://127.0.0.1:${port}/api/endpoints/1/edge/status`, {ca, cert, key, agent: false}, response => {
				response.resume();
				resolve(response.statusCode ?? 0);
			}).on('error', reject);
		});
	});
	t.is(status, 200);
});
