import {readFileSync, readdirSync, statSync} from 'node:fs';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {request} from 'node:https';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test, {type ExecutionContext} from 'ava';
import {startKubeEmulator, type KubeEmulator, type StandInImage} from './kube-emulator/index.js';
import {runTool, waitForOutput} from './kube-emulator/run-tool.js';
import {kubectlPath} from './kubectl.js';
import {makeTestPki, type TestPki} from './stand-ins/openssl-pki.js';
import {freePort, standInScript} from './stand-ins/run-stand-in.js';
import {tempDir} from './temp-dir.js';

/*
 * The emulator's kubelet runs each container as its securityContext (or the image's USER) says and mounts secret
 * files owned and moded as a real kubelet does, so a chart that leaves a key unreadable fails here as in a cluster.
 */
const fixture = fileURLToPath(new URL('fixtures/print-mounted-file.mjs', import.meta.url));
// The Steadybit extension images run as uid 10000 (platforms.md 1.3: USER steadybit, ARG USER_UID=10000).
const extensionImage: StandInImage = {entrypoint: [process.execPath, standInScript('steadybit-extension')], user: {uid: 10_000, gid: 10_000}};
const images = {'stand-in/fixture:test': {entrypoint: [process.execPath, fixture], user: {uid: 10_000, gid: 10_000}}, 'ghcr.io/steadybit/extension-http:latest': extensionImage};

let pki: TestPki;
let pkiDir: string;
test.before(async () => {
	pkiDir = await mkdtemp(join(tmpdir(), 'mtls-kube-pod-security-pki-'));
	pki = await makeTestPki(pkiDir);
});
test.after.always(async () => rm(pkiDir, {recursive: true, force: true}));

type Cluster = {
	emulator: KubeEmulator;
	kubectl: (...args: string[]) => ReturnType<typeof runTool>;
	apply: (yaml: string) => Promise<void>;
	/** Follows a command's output until it contains `text`, and returns it. */
	follow: (args: string[], text: string) => Promise<string>;
};

async function startCluster(t: ExecutionContext): Promise<Cluster> {
	const kubectlFile = kubectlPath();
	const emulator = await startKubeEmulator({images});
	t.teardown(async () => emulator.stop());
	const dir = await tempDir(t, 'mtls-kube-pod-security-');
	const kubectl = async (...args: string[]) => runTool(kubectlFile, args, {env: emulator.env});
	let files = 0;
	const file = async (content: string) => {
		const path = join(dir, `file-${files++}`);
		await writeFile(path, content);
		return path;
	};

	t.is((await kubectl('create', 'namespace', 'demo')).exitCode, 0);
	const message = await file('secret message\n');
	const created = await Promise.all([
		kubectl('-n', 'demo', 'create', 'secret', 'generic', 'files', `--from-file=message=${message}`, `--from-file=other=${message}`),
		kubectl('-n', 'demo', 'create', 'secret', 'tls', 'server', `--cert=${pki.server.cert}`, `--key=${pki.server.key}`),
		kubectl('-n', 'demo', 'create', 'secret', 'generic', 'client-ca', `--from-file=tls.crt=${pki.ca.cert}`),
	]);
	for (const result of created) t.is(result.exitCode, 0, result.stderr);
	return {
		emulator,
		kubectl,
		async apply(yaml) {
			const applied = await kubectl('apply', '-f', await file(yaml));
			t.is(applied.exitCode, 0, applied.stderr);
		},
		async follow(args, text) {
			// Generous: the pods start on a loaded 2-core machine; the failure names the text and the output so far.
			const followed = await waitForOutput(kubectlFile, ['-n', 'demo', ...args], text, emulator.env, 60_000);
			followed.stop();
			return followed.output;
		},
	};
}

/** A Deployment in namespace demo, labelled app=name; `podSpec` is the YAML under its pod template's spec, as a user writes it. */
function deployment(name: string, podSpec: string): string {
	return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: demo}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
${podSpec.replace(/^/gm, '      ')}
`;
}

/** A Deployment of the fixture; the securityContexts and the volume source are YAML flow mappings. */
function fixtureDeployment(name: string, options: {podSecurity?: string; containerSecurity?: string; volume?: string}): string {
	return deployment(name, `securityContext: ${options.podSecurity ?? '{}'}
containers:
  - name: main
    image: stand-in/fixture:test
    securityContext: ${options.containerSecurity ?? '{}'}
    volumeMounts: [{name: files, mountPath: /etc/files, readOnly: true}]
volumes: [{name: files, secret: ${options.volume ?? '{secretName: files}'}}]`);
}

/** The extension as the extension chart mounts it (platforms.md 1.3): server pair and client CA from secrets. */
function extensionDeployment(name: string, port: number, options: {podSecurity?: string; serverVolume: string}): string {
	return deployment(name, `securityContext: ${options.podSecurity ?? '{}'}
containers:
  - name: extension
    image: ghcr.io/steadybit/extension-http:latest
    env:
      - {name: STEADYBIT_EXTENSION_PORT, value: "${port}"}
      - {name: STEADYBIT_EXTENSION_TLS_SERVER_CERT, value: /etc/extension/certificates/server/tls.crt}
      - {name: STEADYBIT_EXTENSION_TLS_SERVER_KEY, value: /etc/extension/certificates/server/tls.key}
      - {name: STEADYBIT_EXTENSION_TLS_CLIENT_CAS, value: /etc/extension/certificates/client-ca/tls.crt}
    volumeMounts:
      - {name: certificate-server, mountPath: /etc/extension/certificates/server, readOnly: true}
      - {name: certificate-client-ca, mountPath: /etc/extension/certificates/client-ca, readOnly: true}
volumes:
  - {name: certificate-server, secret: ${options.serverVolume}}
  - {name: certificate-client-ca, secret: {secretName: client-ca}}`);
}

/** The container root the kubelet wrote for the Deployment's one pod. */
async function containerRoot(cluster: Cluster, app: string): Promise<string> {
	const podName = (await cluster.kubectl('-n', 'demo', 'get', 'pods', '-l', `app=${app}`, '-o', 'jsonpath={.items[0].metadata.name}')).stdout;
	const podDir = readdirSync(join(cluster.emulator.podsRoot, 'demo')).find(entry => entry.startsWith(podName));
	if (!podName || !podDir) throw new Error(`no pod directory for app=${app} (pod "${podName}") under ${cluster.emulator.podsRoot}/demo`);
	return join(cluster.emulator.podsRoot, 'demo', podDir, 'main');
}

const owner = (path: string) => {
	const stat = statSync(path);
	return {mode: `0${(stat.mode & 0o7777).toString(8)}`, uid: stat.uid, gid: stat.gid};
};

/** GET / over mutual TLS with the client certificate the extension's CA issued; resolves with the status code. */
async function mutualTlsGet(port: number): Promise<number | undefined> {
	return new Promise((resolve, reject) => {
		const call = request({host: '127.0.0.1', port, path: '/', ca: readFileSync(pki.ca.cert), cert: readFileSync(pki.client.cert), key: readFileSync(pki.client.key)}, response => {
			response.resume();
			response.once('end', () => resolve(response.statusCode));
		});
		call.once('error', reject);
		call.end();
	});
}

test('a container runs as the image USER, else as runAsUser/runAsGroup (the container\'s over the pod\'s), with fsGroup as a supplementary group', async t => {
	const cluster = await startCluster(t);
	await cluster.apply(fixtureDeployment('image-user', {}));
	await cluster.apply(fixtureDeployment('pod-user', {podSecurity: '{runAsUser: 2000, runAsGroup: 3000, fsGroup: 4000, supplementalGroups: [5000]}'}));
	await cluster.apply(fixtureDeployment('container-user', {podSecurity: '{runAsUser: 2000, runAsGroup: 3000, fsGroup: 4000}', containerSecurity: '{runAsUser: 0, runAsGroup: 6000}'}));
	// Another uid than the image user's and no runAsGroup: group 0, as runc gives a uid missing from /etc/passwd.
	await cluster.apply(fixtureDeployment('uid-only', {podSecurity: '{runAsUser: 2000}'}));
	const ids = async (app: string) => (await cluster.follow(['logs', '-f', `deployment/${app}`], 'ids:')).match(/^ids: .*$/m)?.[0];
	t.is(await ids('image-user'), 'ids: uid=10000 gid=10000 groups=10000');
	t.is(await ids('pod-user'), 'ids: uid=2000 gid=3000 groups=3000,4000,5000');
	t.is(await ids('container-user'), 'ids: uid=0 gid=6000 groups=4000,6000');
	t.is(await ids('uid-only'), 'ids: uid=2000 gid=0 groups=0');
});

test('secret files get defaultMode (0644 unset; YAML 400 is decimal, 0620) or the item mode, root:root; with fsGroup they are group fsGroup, |= 0440, directories |= 02550', async t => {
	const cluster = await startCluster(t);
	await cluster.apply(fixtureDeployment('unset', {}));
	await cluster.apply(fixtureDeployment('decimal', {volume: '{secretName: files, defaultMode: 400, items: [{key: message, path: message}, {key: other, path: nested/other, mode: 0400}]}'}));
	await cluster.apply(fixtureDeployment('grouped', {podSecurity: '{fsGroup: 1234}', volume: '{secretName: files, defaultMode: 0400, items: [{key: message, path: message}, {key: other, path: nested/other, mode: 0600}]}'}));
	for (const app of ['unset', 'decimal', 'grouped']) await cluster.follow(['logs', '-f', `deployment/${app}`], 'ids:');

	const unset = await containerRoot(cluster, 'unset');
	t.deepEqual(owner(join(unset, 'etc/files/message')), {mode: '0644', uid: 0, gid: 0});
	t.deepEqual(owner(join(unset, 'etc/files')), {mode: '0755', uid: 0, gid: 0});

	const decimal = await containerRoot(cluster, 'decimal');
	t.deepEqual(owner(join(decimal, 'etc/files/message')), {mode: '0620', uid: 0, gid: 0});
	t.deepEqual(owner(join(decimal, 'etc/files/nested/other')), {mode: '0400', uid: 0, gid: 0});
	t.deepEqual(owner(join(decimal, 'etc/files/nested')), {mode: '0755', uid: 0, gid: 0});

	const grouped = await containerRoot(cluster, 'grouped');
	t.deepEqual(owner(join(grouped, 'etc/files/message')), {mode: '0440', uid: 0, gid: 1234});
	t.deepEqual(owner(join(grouped, 'etc/files/nested/other')), {mode: '0640', uid: 0, gid: 1234});
	t.deepEqual(owner(join(grouped, 'etc/files')), {mode: '02755', uid: 0, gid: 1234});
	t.deepEqual(owner(join(grouped, 'etc/files/nested')), {mode: '02755', uid: 0, gid: 1234});
	t.deepEqual(owner(join(grouped, 'etc')), {mode: '0755', uid: 0, gid: 0}, 'the image\'s own directories stay root:root 0755');
	for (const path of [cluster.emulator.podsRoot, join(grouped, '..', '..'), join(grouped, '..'), grouped]) t.is(statSync(path).mode & 0o755, 0o755, `${path} is traversable by every uid`);
});

const unreadable = [
	{title: 'defaultMode 0400 and no fsGroup: uid 10000 cannot open tls.crt', serverVolume: '{secretName: server, defaultMode: 0400}', file: 'tls.crt'},
	{title: 'tls.key at mode 0400 and no fsGroup: uid 10000 cannot open its key', serverVolume: '{secretName: server, items: [{key: tls.crt, path: tls.crt}, {key: tls.key, path: tls.key, mode: 0400}]}', file: 'tls.key'},
];
for (const {title, serverVolume, file} of unreadable) {
	test(`steadybit extension (runs as uid 10000), ${title}, logs the product's failure line and exits`, async t => {
		const cluster = await startCluster(t);
		await cluster.apply(extensionDeployment('extension', await freePort(), {serverVolume}));
		const log = await cluster.follow(['logs', '-f', 'deployment/extension'], 'Failed to start extension server');
		t.regex(log, new RegExp(`Failed to start extension server error="failed to load TLS certificate: failed loading tls key pair: open /etc/extension/certificates/server/${file.replace('.', '\\.')}: permission denied"`));
		// The pod's status says the container exited 1 and is restarted, as a crashing extension's does (each watch event prints one pod).
		const status = await cluster.follow(['get', 'pods', '-l', 'app=extension', '-w', '-o', 'jsonpath={.status.containerStatuses[0].lastState.terminated.exitCode}/{.status.containerStatuses[0].state.waiting.reason};'], '1/CrashLoopBackOff;');
		t.regex(status, /1\/CrashLoopBackOff;/);
	});
}

const readable = [
	{title: 'defaultMode 0400 with fsGroup 10000', podSecurity: '{fsGroup: 10000}', serverVolume: '{secretName: server, defaultMode: 0400}'},
	{title: 'defaultMode 0440 with fsGroup 10000', podSecurity: '{fsGroup: 10000}', serverVolume: '{secretName: server, defaultMode: 0440}'},
	{title: 'the default 0644 and no fsGroup', podSecurity: '{}', serverVolume: '{secretName: server}'},
];
for (const {title, podSecurity, serverVolume} of readable) {
	test(`steadybit extension (runs as uid 10000) with ${title} reads its key and serves mutual TLS`, async t => {
		const cluster = await startCluster(t);
		const port = await freePort();
		await cluster.apply(extensionDeployment('extension', port, {podSecurity, serverVolume}));
		const log = await cluster.follow(['logs', '-f', 'deployment/extension'], 'ClientAuth: RequireAndVerifyClientCert');
		t.regex(log, new RegExp(`Starting extension https server on port ${port} \\(ClientAuth: RequireAndVerifyClientCert\\)`));
		t.is(await mutualTlsGet(port), 200);
	});
}
