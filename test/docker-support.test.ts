import test from 'ava';
import {chmod, copyFile, mkdir, mkdtemp, readFile, rm} from 'node:fs/promises';
import {connect} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {stripAnsi} from '../source/steps/log-checks.js';
import {
	docker,
	dockerHostAddress,
	freePort,
	httpsGetInNamespace,
	initSwarm,
	inNamespace,
	runCommand,
	startPrivateDocker,
	type NamespaceHttpsResult,
	type PrivateDocker,
} from './support/private-docker.js';
import {buildStandInImage} from './support/stand-in-image.js';
import {makeTestPki, type TestPki} from './support/stand-ins/openssl-pki.js';

let engine: PrivateDocker | undefined;
let pki: TestPki;
let work: string;
/** The host's links and firewall before the engine started: starting it must change neither. */
let hostBefore: {links: string; iptables: string};

async function hostNetworkState(): Promise<{links: string; iptables: string}> {
	const links = (await runCommand('ip', ['-o', 'link', 'show'])).stdout.split('\n').map(line => line.split(':')[1]?.trim()).sort().join(' ');
	const iptables = (await runCommand('iptables-save', [])).stdout.split('\n').filter(line => !line.startsWith('#')).join('\n');
	return {links, iptables};
}

test.before(async () => {
	work = await mkdtemp(join(tmpdir(), 'mtls-docker-support-'));
	pki = await makeTestPki(join(work, 'pki'));
	hostBefore = await hostNetworkState();
	engine = await startPrivateDocker();
});

test.after.always(async () => {
	await engine?.stop();
	await rm(work, {recursive: true, force: true});
});

function setup(): PrivateDocker {
	if (!engine) {
		throw new Error('private engine did not start');
	}

	return engine;
}

async function waitForLogs(command: string[], pattern: RegExp): Promise<string> {
	// Not a timing assertion: the deadline turns a line that never comes into a failure that shows the log.
	const deadline = Date.now() + 60_000;
	let logs = '';
	while (Date.now() < deadline) {
		const result = await runCommand('docker', command, {env: setup().env});
		logs = stripAnsi(result.stdout + result.stderr);
		if (pattern.test(logs)) {
			return logs;
		}

		await sleep(200);
	}

	throw new Error(`docker ${command.join(' ')}: no line matching ${String(pattern)} within 60 s. Logs:\n${logs}`);
}

/**
 * Runs a container to its end and returns its exit code and both log streams, once they hold `lastLine` (the
 * line the container prints last): dockerd waits at most 2 s for a container's output to be copied to its log
 * before it reports the exit (moby daemon/monitor.go, handleContainerExit), so under load `docker wait` can return
 * before the log holds the end.
 */
async function runToEnd(args: string[], lastLine: RegExp): Promise<{exitCode: number; logs: string}> {
	const {env} = setup();
	const id = (await docker(env, ['run', '-d', ...args])).trim();
	const exitCode = Number((await docker(env, ['wait', id])).trim());
	const logs = await waitForLogs(['logs', id], lastLine);
	await runCommand('docker', ['rm', '-f', id], {env});
	return {exitCode, logs};
}

/**
 * Waits until a GET from inside the namespace gets an HTTP answer and returns it. A server prints its startup line
 * just before it binds (as the products do), and a published port's proxy accepts before anything is behind it:
 * until then the connection is refused or reset. Any other outcome (a TLS error, say) is returned at once.
 */
async function firstAnswerInNamespace(netns: string, request: Parameters<typeof httpsGetInNamespace>[1]): Promise<NamespaceHttpsResult> {
	// Not a timing assertion: the deadline turns a server that never answers into a failure that shows the last try.
	const deadline = Date.now() + 60_000;
	for (;;) {
		const answer = await httpsGetInNamespace(netns, request);
		if (!['ECONNREFUSED', 'ECONNRESET'].includes(answer.code ?? '') || Date.now() > deadline) return answer;
		await sleep(100);
	}
}

/** Waits until something accepts connections on `port` inside a running container (from within it, on loopback). */
async function waitUntilListening(container: string, port: number): Promise<void> {
	const probe = `require('net').connect(${port}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))`;
	// Not a timing assertion: the deadline turns a server that never listens into a failure naming it.
	const deadline = Date.now() + 60_000;
	while ((await runCommand('docker', ['exec', container, process.execPath, '-e', probe], {env: setup().env})).exitCode !== 0) {
		if (Date.now() > deadline) throw new Error(`${container}: nothing listened on port ${port} within 60 s`);
		await sleep(100);
	}
}

/** A directory holding a server pair as the wizard writes it: key 0600, owned by whoever runs the tests (root). */
async function serverSecretDir(name: string): Promise<string> {
	const dir = join(work, name);
	await mkdir(dir, {mode: 0o700});
	await copyFile(pki.server.cert, join(dir, 'tls.crt'));
	await copyFile(pki.server.key, join(dir, 'tls.key'));
	await chmod(join(dir, 'tls.key'), 0o600);
	await copyFile(pki.ca.cert, join(dir, 'ca.crt'));
	return dir;
}

// Files mounted one by one, as the recipe does: the file's own owner and mode decide who may read it.
const extensionEnv = (dir: string, port: number) => [
	...['tls.crt', 'tls.key', 'ca.crt'].flatMap(file => ['-v', `${join(dir, file)}:/etc/extension/certificates/server/${file}:ro`]),
	'-e', 'STEADYBIT_EXTENSION_TLS_SERVER_CERT=/etc/extension/certificates/server/tls.crt',
	'-e', 'STEADYBIT_EXTENSION_TLS_SERVER_KEY=/etc/extension/certificates/server/tls.key',
	'-e', 'STEADYBIT_EXTENSION_TLS_CLIENT_CAS=/etc/extension/certificates/server/ca.crt',
	'-e', `STEADYBIT_EXTENSION_PORT=${port}`,
];

test.serial('the private engine runs in a network namespace of its own: bridge and iptables inside, the host network untouched', async t => {
	const {env, netns} = setup();
	const networks = (await docker(env, ['network', 'ls', '--format', '{{.Name}}'])).trim().split('\n');
	t.true(networks.includes('bridge'), 'the default bridge exists');
	const [ip, ipArgs] = inNamespace(netns, 'ip', ['-4', '-o', 'addr', 'show', 'docker0']);
	t.regex((await runCommand(ip, ipArgs)).stdout, new RegExp(`inet ${dockerHostAddress.replaceAll('.', '\\.')}/16`));
	const [iptables, iptablesArgs] = inNamespace(netns, 'iptables-save', []);
	t.regex((await runCommand(iptables, iptablesArgs)).stdout, /^:DOCKER - /m, 'dockerd wrote its iptables rules inside the namespace');
	t.deepEqual(await hostNetworkState(), hostBefore, 'the host has the same links and firewall rules as before the engine started');
});

test.serial('a port published from the default bridge answers inside the namespace, not on the host', async t => {
	const {env, netns} = setup();
	const image = await buildStandInImage(env, 'portainer-server');
	const dir = await serverSecretDir('portainer-published');
	const port = await freePort();
	await docker(env, [
		'run', '-d', '--name', 'published', '-p', `${port}:9443`, '-v', `${dir}:/certs:ro`, image,
		'--mtlscacert', '/certs/ca.crt', '--mtlscert', '/certs/tls.crt', '--mtlskey', '/certs/tls.key',
	]);
	t.teardown(async () => {
		await runCommand('docker', ['rm', '-f', 'published'], {env});
	});
	await waitForLogs(['logs', 'published'], /starting HTTPS server \| bind_address=:9443/);
	const url = `https://127.0.0.1:${port}/api/endpoints/1/edge/status`;
	const answer = await firstAnswerInNamespace(netns, {url, servername: 'localhost', ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key});
	t.is(answer.status, 200, JSON.stringify(answer));
	const onHost = await new Promise<string>(resolve => {
		connect(port, '127.0.0.1').once('connect', function (this: ReturnType<typeof connect>) {
			this.destroy();
			resolve('connected');
		}).once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
	});
	t.is(onHost, 'ECONNREFUSED', 'nothing of the namespace is published on the host');
});

test.serial('containers resolve *.test to the Docker host through the namespace DNS, and nothing outside it', async t => {
	const {env} = setup();
	const image = await buildStandInImage(env, 'portainer-agent');
	const lookup = (name: string) => [
		'--entrypoint', process.execPath, image, '-e',
		`require('dns').lookup(${JSON.stringify(name)}, (error, address) => console.log(error ? 'ERR ' + error.code : address))`,
	];
	const answered = /^(ERR \w+|[\d.]+)$/m;
	t.is((await runToEnd(lookup('portainer.test'), answered)).logs.trim(), dockerHostAddress);
	t.is((await runToEnd(lookup('registry-1.docker.io'), answered)).logs.trim(), 'ERR ENOTFOUND');
});

test.serial('Steadybit extension image (USER steadybit, uid 10000): a 0600 key bind-mounted from the host stops it with the product\'s permission-denied line', async t => {
	const {env} = setup();
	const image = await buildStandInImage(env, 'steadybit-extension');
	const inspect = JSON.parse(await docker(env, ['image', 'inspect', image])) as Array<{Config: {User: string}}>;
	t.is(inspect[0]!.Config.User, 'steadybit');
	const dir = await serverSecretDir('extension-0600');
	// The old setup: the wizard's key as it is on the host, the container as the image's user.
	const refused = await runToEnd([...extensionEnv(dir, 8085), image], / FTL /);
	t.is(refused.exitCode, 1);
	t.regex(refused.logs, /FTL Failed to start extension server error="failed to load TLS certificate: failed loading tls key pair: open \/etc\/extension\/certificates\/server\/tls\.key: permission denied"/);

	// Run as the key's owner (what the recipe does with the invoking user's ids), it starts with mutual TLS.
	const name = 'extension-as-owner';
	await docker(env, ['run', '-d', '--name', name, '--user', `${process.getuid!()}:${process.getgid!()}`, ...extensionEnv(dir, 8085), image]);
	t.teardown(async () => {
		await runCommand('docker', ['rm', '-f', name], {env});
	});
	await waitForLogs(['logs', name], /INF Starting extension https server on port 8085 \(ClientAuth: RequireAndVerifyClientCert\)/);
});

test.serial('Steadybit agent as uid 10000 (the chart\'s runAsUser): a 0600 key from the host ends it with AccessDeniedException', async t => {
	const {env} = setup();
	const image = await buildStandInImage(env, 'steadybit-agent');
	const dir = join(work, 'agent-0600');
	await mkdir(dir, {mode: 0o700});
	await copyFile(pki.client.cert, join(dir, 'tls.crt'));
	await copyFile(pki.client.key, join(dir, 'tls.key'));
	await chmod(join(dir, 'tls.key'), 0o600);
	const refused = await runToEnd([
		'-v', `${join(dir, 'tls.crt')}:/opt/steadybit/agent/etc/extensions/client/tls.crt:ro`,
		'-v', `${join(dir, 'tls.key')}:/opt/steadybit/agent/etc/extensions/client/tls.key:ro`,
		'-e', 'STEADYBIT_AGENT_EXTENSIONS_CLIENT_CERT_CHAIN_FILE=/opt/steadybit/agent/etc/extensions/client/tls.crt',
		'-e', 'STEADYBIT_AGENT_EXTENSIONS_CLIENT_CERT_KEY_FILE=/opt/steadybit/agent/etc/extensions/client/tls.key',
		image,
	], /Failed to configure extension http client/);
	t.is(refused.exitCode, 1);
	t.regex(refused.logs, /ERROR .*c\.s\.k\.c\.service\.ExtensionHttpClient.*Failed to configure extension http client: java\.nio\.file\.AccessDeniedException: \/opt\/steadybit\/agent\/etc\/extensions\/client\/tls\.key/);
});

test.serial('network: a Steadybit agent off the extension\'s user-defined network cannot resolve its alias; on it, the call gets through', async t => {
	const {env} = setup();
	const [extension, agent] = await Promise.all([buildStandInImage(env, 'steadybit-extension'), buildStandInImage(env, 'steadybit-agent')]);
	const dir = await serverSecretDir('extension-alias');
	const clientDir = join(work, 'agent-alias');
	await mkdir(clientDir, {mode: 0o700});
	await copyFile(pki.client.cert, join(clientDir, 'tls.crt'));
	await copyFile(pki.client.key, join(clientDir, 'tls.key'));
	const asOwner = ['--user', `${process.getuid!()}:${process.getgid!()}`];
	await docker(env, ['network', 'create', 'steadybit']);
	// The certificate names steadybit-extension-http, the recipe's alias: a name only the shared network resolves.
	await docker(env, ['run', '-d', '--name', 'alias-extension', '--network', 'steadybit', '--network-alias', 'steadybit-extension-http', ...asOwner, ...extensionEnv(dir, 8085), extension]);
	t.teardown(async () => {
		await runCommand('docker', ['rm', '-f', 'alias-extension', 'agent-off', 'agent-on'], {env});
		await runCommand('docker', ['network', 'rm', 'steadybit'], {env});
	});
	await waitForLogs(['logs', 'alias-extension'], /ClientAuth: RequireAndVerifyClientCert/);
	// The line comes just before the bind: the agent on the network must find the extension listening on its first call.
	await waitUntilListening('alias-extension', 8085);
	const agentArgs = (name: string, network: string) => [
		'run', '-d', '--name', name, '--network', network, ...asOwner,
		'-v', `${join(clientDir, 'tls.crt')}:/opt/steadybit/agent/etc/extensions/client/tls.crt:ro`,
		'-v', `${join(clientDir, 'tls.key')}:/opt/steadybit/agent/etc/extensions/client/tls.key:ro`,
		'-v', `${pki.ca.cert}:/opt/steadybit/agent/etc/extensions/server/tls.crt:ro`,
		'-e', 'STEADYBIT_AGENT_EXTENSIONS_CLIENT_CERT_CHAIN_FILE=/opt/steadybit/agent/etc/extensions/client/tls.crt',
		'-e', 'STEADYBIT_AGENT_EXTENSIONS_CLIENT_CERT_KEY_FILE=/opt/steadybit/agent/etc/extensions/client/tls.key',
		'-e', 'STEADYBIT_AGENT_EXTENSIONS_SERVER_CERT=/opt/steadybit/agent/etc/extensions/server/tls.crt',
		'-e', 'STEADYBIT_AGENT_EXTENSIONS_REGISTRATIONS_0_URL=https://steadybit-extension-http:8085',
		agent,
	];
	await docker(env, agentArgs('agent-off', 'bridge'));
	t.regex(await waitForLogs(['logs', 'agent-off'], /Failed to call extension|responded with/), /Failed to call extension https:\/\/steadybit-extension-http:8085: java\.net\.UnknownHostException: steadybit-extension-http/);
	await docker(env, agentArgs('agent-on', 'steadybit'));
	t.regex(await waitForLogs(['logs', 'agent-on'], /Failed to call extension|responded with/), /Extension https:\/\/steadybit-extension-http:8085 responded with HTTP 200/);
});

test.serial('extension-kit before v1.10.0 stops on a client CA it cannot load; from v1.10.0 it warns and starts', async t => {
	const {env} = setup();
	const image = await buildStandInImage(env, 'steadybit-extension');
	const dir = await serverSecretDir('extension-bad-ca');
	const badCa = ['-e', 'STEADYBIT_EXTENSION_TLS_CLIENT_CAS=/etc/extension/certificates/client-ca/tls.crt'];
	const asOwner = ['--user', `${process.getuid!()}:${process.getgid!()}`];
	const old = await runToEnd([...asOwner, ...extensionEnv(dir, 8085), ...badCa, '-e', 'STAND_IN_EXTENSION_KIT_VERSION=1.9.6', image], / FTL /);
	t.is(old.exitCode, 1);
	t.regex(old.logs, /FTL Failed to start extension server error="failed to load TLS client CA certificates: lstat \/etc\/extension\/certificates\/client-ca\/tls\.crt: no such file or directory"/);

	const name = 'extension-current-kit';
	await docker(env, ['run', '-d', '--name', name, ...asOwner, ...extensionEnv(dir, 8085), ...badCa, image]);
	t.teardown(async () => {
		await runCommand('docker', ['rm', '-f', name], {env});
	});
	const logs = await waitForLogs(['logs', name], /ClientAuth: RequireAndVerifyClientCert/);
	t.regex(logs, /WRN failed to load TLS client CA certificates/);
});

test.serial('swarm: the Portainer Edge Agent in cluster mode exits on --network host (no tasks.<service> DNS) and polls from an overlay network', async t => {
	const {env, netns} = setup();
	await initSwarm(env);
	const [server, agent] = await Promise.all([buildStandInImage(env, 'portainer-server'), buildStandInImage(env, 'portainer-agent')]);
	const dir = await serverSecretDir('portainer-swarm');
	const port = await freePort();
	// The server as a plain container publishing its port: the agent reaches it as portainer.test (the Docker host).
	await docker(env, [
		'run', '-d', '--name', 'portainer', '-p', `${port}:9443`, '-v', `${dir}:/certs:ro`, server,
		'--mtlscacert', '/certs/ca.crt', '--mtlscert', '/certs/tls.crt', '--mtlskey', '/certs/tls.key',
	]);
	await waitForLogs(['logs', 'portainer'], /starting HTTPS server/);
	// The line comes just before the bind: the agent's first poll must find the server answering.
	const ready = await firstAnswerInNamespace(netns, {url: `https://127.0.0.1:${port}/api/endpoints/1/edge/status`, servername: 'localhost', ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key});
	t.is(ready.status, 200, `the server answers before the agents start: ${JSON.stringify(ready)}`);
	for (const [secret, file] of [['portainer.mtlscacert', pki.ca.cert], ['portainer.mtlscert', pki.client.cert], ['portainer.mtlskey', pki.client.key]] as const) {
		await docker(env, ['secret', 'create', secret, '-'], await readFile(file));
	}

	const socket = env['DOCKER_HOST']!.replace(/^unix:\/\//, '');
	const edgeKey = Buffer.from(`https://portainer.test:${port}|portainer.test:8000|stand-in-fingerprint|1`).toString('base64');
	const agentService = (name: string, network: string) => [
		'service', 'create', '--detach', '--no-resolve-image', '--name', name, '--network', network, '--mode', 'global',
		'--restart-condition', 'none',
		'--secret', 'portainer.mtlscacert', '--secret', 'portainer.mtlscert', '--secret', 'portainer.mtlskey',
		'--mount', `type=bind,src=${socket},dst=/var/run/docker.sock`,
		'-e', 'EDGE=1', '-e', 'EDGE_ID=edge-1', '-e', `EDGE_KEY=${edgeKey}`, '-e', 'EDGE_INSECURE_POLL=0', '-e', 'LOG_LEVEL=DEBUG', '-e', 'LOG_MODE=NOCOLOR',
		'-e', `AGENT_CLUSTER_ADDR=tasks.${name}`,
		agent,
		'--mtlscacert', '/run/secrets/portainer.mtlscacert', '--mtlscert', '/run/secrets/portainer.mtlscert', '--mtlskey', '/run/secrets/portainer.mtlskey',
	];

	await docker(env, agentService('agent_on_host', 'host'));
	const fatal = await waitForLogs(['service', 'logs', '--raw', 'agent_on_host'], /unable to retrieve a list of IP/);
	t.regex(fatal, /FTL cmd\/agent\/main\.go:133 > unable to retrieve a list of IP associated to the host \| error="lookup tasks\.agent_on_host on [\d.]+:53: no such host" host=tasks\.agent_on_host/);
	t.notRegex(fatal, /checkin_interval_seconds=/);

	await docker(env, ['network', 'create', '--driver', 'overlay', 'portainer_agent_network']);
	await docker(env, agentService('portainer_edge_agent', 'portainer_agent_network'));
	const polled = await waitForLogs(['service', 'logs', '--raw', 'portainer_edge_agent'], /checkin_interval_seconds=|an error occured|FTL/);
	t.regex(polled, /DBG edge\/poll\.go:171 > +\| checkin_interval_seconds=5/, polled);
});
