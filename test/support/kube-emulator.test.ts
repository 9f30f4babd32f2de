import test from 'ava';
import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parse} from 'yaml';
import {startKubeEmulator, type KubeEmulator} from './kube-emulator/index.js';
import {runTool, waitForOutput} from './kube-emulator/run-tool.js';
import {kubectlPath} from './kubectl.js';

const scratch = mkdtempSync(join(tmpdir(), 'kube-emulator-test-'));
test.after.always(() => rmSync(scratch, {recursive: true, force: true}));
const fixture = fileURLToPath(new URL('fixtures/print-mounted-file.mjs', import.meta.url));
const images = {'stand-in/fixture:test': ['node', fixture]};

async function withEmulator(run: (emulator: KubeEmulator, kubectl: (...args: string[]) => ReturnType<typeof runTool>) => Promise<void>): Promise<void> {
	const emulator = await startKubeEmulator({images});
	try {
		await run(emulator, (...args) => runTool(kubectlPath(), args, {env: emulator.env}));
	} finally {
		await emulator.stop();
	}
}

function deployment(name: string, options: {secret: string; args?: string[]; image?: string; items?: unknown}): string {
	return JSON.stringify({
		apiVersion: 'apps/v1',
		kind: 'Deployment',
		metadata: {name, namespace: 'demo'},
		spec: {
			selector: {matchLabels: {app: name}},
			template: {
				metadata: {labels: {app: name}},
				spec: {
					containers: [{
						name: 'main',
						image: options.image ?? 'stand-in/fixture:test',
						args: options.args ?? ['--mode=test'],
						env: [{name: 'PRINT_FILES', value: '/etc/fixture/message'}, {name: 'GREETING', valueFrom: {secretKeyRef: {name: options.secret, key: 'message'}}}],
						volumeMounts: [{name: 'fixture', mountPath: '/etc/fixture', readOnly: true}],
					}],
					volumes: [{name: 'fixture', secret: {secretName: options.secret, defaultMode: 0o440, ...(options.items ? {items: options.items} : {})}}],
				},
			},
		},
	});
}

function manifestFile(content: string): string {
	const path = join(mkdtempSync(join(scratch, 'manifest-')), 'manifest.json');
	writeFileSync(path, content);
	return path;
}

async function createSecret(kubectl: (...args: string[]) => ReturnType<typeof runTool>, name: string, message: string) {
	const file = manifestFile(message);
	return kubectl('-n', 'demo', 'create', 'secret', 'generic', name, `--from-file=message=${file}`);
}

test('kubectl create namespace and create secret generic --from-file round-trip (base64 data)', async t => {
	await withEmulator(async (_emulator, kubectl) => {
		const namespace = await kubectl('create', 'namespace', 'demo');
		t.is(namespace.exitCode, 0, namespace.stderr);
		t.is(namespace.stdout.trim(), 'namespace/demo created');
		const created = await createSecret(kubectl, 'greeting', 'hello from a file\n');
		t.is(created.exitCode, 0, created.stderr);
		const shown = await kubectl('-n', 'demo', 'get', 'secret', 'greeting', '-o', 'yaml');
		const secret = parse(shown.stdout) as {type: string; data: Record<string, string>};
		t.is(secret.type, 'Opaque');
		t.is(Buffer.from(secret.data.message ?? '', 'base64').toString('utf8'), 'hello from a file\n');
		const again = await createSecret(kubectl, 'greeting', 'x');
		t.not(again.exitCode, 0);
		t.regex(again.stderr, /secrets "greeting" already exists/);
	});
});

test('a kubernetes.io/tls secret without tls.key is rejected as Invalid, like a real API server', async t => {
	await withEmulator(async (_emulator, kubectl) => {
		const manifest = manifestFile(JSON.stringify({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'ca-only', namespace: 'default'}, type: 'kubernetes.io/tls', data: {'tls.crt': Buffer.from('ca').toString('base64')}}));
		const applied = await kubectl('apply', '-f', manifest);
		t.is(applied.exitCode, 1);
		t.regex(applied.stderr, /The Secret "ca-only" is invalid: data\[tls\.key\]: Required value/);
		const listed = await kubectl('get', 'secrets', '-o', 'name');
		t.notRegex(listed.stdout, /ca-only/);
	});
});

test('kubectl apply twice, rollout status, logs -f and logs -l against a Deployment run as a local process', async t => {
	await withEmulator(async (emulator, kubectl) => {
		await kubectl('create', 'namespace', 'demo');
		await createSecret(kubectl, 'greeting', 'mounted hello\n');
		const manifest = manifestFile(deployment('web', {secret: 'greeting'}));
		const first = await kubectl('apply', '-f', manifest);
		t.is(first.exitCode, 0, first.stderr);
		t.is(first.stdout.trim(), 'deployment.apps/web created');
		const second = await kubectl('apply', '-f', manifest);
		t.is(second.exitCode, 0, second.stderr);
		t.is(second.stdout.trim(), 'deployment.apps/web unchanged');
		const rollout = await kubectl('-n', 'demo', 'rollout', 'status', 'deployment/web', '--timeout=30s');
		t.is(rollout.exitCode, 0, rollout.stderr);
		t.regex(rollout.stdout, /deployment "web" successfully rolled out/);
		const follow = await waitForOutput(kubectlPath(), ['-n', 'demo', 'logs', '-f', 'deployment/web'], '/etc/fixture/message: mounted hello', emulator.env);
		follow.stop();
		t.regex(follow.output, /args: --mode=test/);
		// The fixture prints the env line on stderr, a pipe the kubelet reads apart from stdout: awaited on its own.
		(await waitForOutput(kubectlPath(), ['-n', 'demo', 'logs', '-f', 'deployment/web'], 'env GREETING=', emulator.env)).stop();
		const byLabel = await kubectl('-n', 'demo', 'logs', '-l', 'app=web');
		t.regex(byLabel.stdout, /env GREETING=mounted hello/);
		const pods = JSON.parse((await kubectl('-n', 'demo', 'get', 'pods', '-l', 'app=web', '-o', 'json')).stdout) as {items: Array<{metadata: {ownerReferences: Array<{kind: string}>}; status: {phase: string}}>};
		t.is(pods.items.length, 1);
		t.is(pods.items[0]?.status.phase, 'Running');
		t.is(pods.items[0]?.metadata.ownerReferences[0]?.kind, 'ReplicaSet');
		const deploymentStatus = JSON.parse((await kubectl('-n', 'demo', 'get', 'deployment', 'web', '-o', 'json')).stdout) as {metadata: {generation: number}; status: Record<string, number>};
		t.like(deploymentStatus.status, {observedGeneration: deploymentStatus.metadata.generation, replicas: 1, readyReplicas: 1, updatedReplicas: 1, availableReplicas: 1});
	});
});

test('secret volumes honour items and defaultMode; the mounted files are what the process reads', async t => {
	await withEmulator(async (emulator, kubectl) => {
		await kubectl('create', 'namespace', 'demo');
		await createSecret(kubectl, 'greeting', 'renamed item\n');
		const manifest = manifestFile(deployment('items', {secret: 'greeting', items: [{key: 'message', path: 'message', mode: 0o400}]}));
		t.is((await kubectl('apply', '-f', manifest)).exitCode, 0);
		t.is((await kubectl('-n', 'demo', 'rollout', 'status', 'deployment/items', '--timeout=30s')).exitCode, 0);
		const follow = await waitForOutput(kubectlPath(), ['-n', 'demo', 'logs', '-f', 'deployment/items'], 'renamed item', emulator.env);
		follow.stop();
		const podName = (await kubectl('-n', 'demo', 'get', 'pods', '-l', 'app=items', '-o', 'jsonpath={.items[0].metadata.name}')).stdout;
		const podDir = readdirSync(join(emulator.podsRoot, 'demo')).find(entry => entry.startsWith(podName));
		t.truthy(podDir, `pod dir for ${podName}`);
		const file = join(emulator.podsRoot, 'demo', podDir ?? '', 'main', 'etc', 'fixture', 'message');
		t.is(statSync(file).mode & 0o777, 0o400);
	});
});

test('a Deployment whose secret is missing stays Pending with a FailedMount event, then starts when the secret appears', async t => {
	await withEmulator(async (_emulator, kubectl) => {
		await kubectl('create', 'namespace', 'demo');
		t.is((await kubectl('apply', '-f', manifestFile(deployment('blocked', {secret: 'later'})))).exitCode, 0);
		const stuck = await kubectl('-n', 'demo', 'rollout', 'status', 'deployment/blocked', '--timeout=2s');
		t.not(stuck.exitCode, 0);
		const pods = await kubectl('-n', 'demo', 'get', 'pods', '-l', 'app=blocked');
		t.regex(pods.stdout, /0\/1\s+ContainerCreating/);
		const events = await kubectl('-n', 'demo', 'get', 'events');
		t.regex(events.stdout, /FailedMount.*MountVolume\.SetUp failed for volume "fixture" : secret "later" not found/);
		const described = await kubectl('-n', 'demo', 'describe', 'pod', '-l', 'app=blocked');
		t.regex(described.stdout, /Warning\s+FailedMount/);
		await createSecret(kubectl, 'later', 'arrived\n');
		const rollout = await kubectl('-n', 'demo', 'rollout', 'status', 'deployment/blocked', '--timeout=30s');
		t.is(rollout.exitCode, 0, rollout.stderr);
	});
});

test('an image with no stand-in stays Pending with ErrImagePull (nothing is pulled)', async t => {
	await withEmulator(async (_emulator, kubectl) => {
		await kubectl('create', 'namespace', 'demo');
		await createSecret(kubectl, 'greeting', 'x');
		t.is((await kubectl('apply', '-f', manifestFile(deployment('unknown', {secret: 'greeting', image: 'example/not-mapped:1'})))).exitCode, 0);
		t.not((await kubectl('-n', 'demo', 'rollout', 'status', 'deployment/unknown', '--timeout=2s')).exitCode, 0);
		const pods = await kubectl('-n', 'demo', 'get', 'pods', '-l', 'app=unknown');
		t.regex(pods.stdout, /ErrImagePull/);
		const events = await kubectl('-n', 'demo', 'get', 'events');
		t.regex(events.stdout, /Failed to pull image "example\/not-mapped:1"/);
	});
});

test('changing the pod template replaces the pod; kubectl delete stops the process', async t => {
	await withEmulator(async (emulator, kubectl) => {
		await kubectl('create', 'namespace', 'demo');
		await createSecret(kubectl, 'greeting', 'x');
		await kubectl('apply', '-f', manifestFile(deployment('web', {secret: 'greeting'})));
		await kubectl('-n', 'demo', 'rollout', 'status', 'deployment/web', '--timeout=30s');
		const before = (await kubectl('-n', 'demo', 'get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.name}')).stdout;
		const configured = await kubectl('apply', '-f', manifestFile(deployment('web', {secret: 'greeting', args: ['--mode=second']})));
		t.is(configured.stdout.trim(), 'deployment.apps/web configured');
		t.is((await kubectl('-n', 'demo', 'rollout', 'status', 'deployment/web', '--timeout=30s')).exitCode, 0);
		const after = (await kubectl('-n', 'demo', 'get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.name}')).stdout;
		t.not(after, before);
		t.is(after.split(' ').length, 1);
		const follow = await waitForOutput(kubectlPath(), ['-n', 'demo', 'logs', '-f', 'deployment/web'], 'args: --mode=second', emulator.env);
		follow.stop();
		const deleted = await kubectl('-n', 'demo', 'delete', 'deployment', 'web');
		t.is(deleted.exitCode, 0, deleted.stderr);
		const remaining = await kubectl('-n', 'demo', 'get', 'pods', '-o', 'name');
		t.is(remaining.stdout.trim(), '');
		t.deepEqual(readdirSync(join(emulator.podsRoot, 'demo')), [], 'pod directories are removed once processes stop');
	});
});

test('--context selects the cluster and KUBECONFIG is honoured', async t => {
	await withEmulator(async (emulator, kubectl) => {
		const viaEnv = await kubectl('get', 'namespace', 'default', '-o', 'name');
		t.is(viaEnv.stdout.trim(), 'namespace/default');
		const viaContext = await kubectl('--context', emulator.context, 'get', 'namespace', 'default', '-o', 'name');
		t.is(viaContext.stdout.trim(), 'namespace/default');
		const decoy = await kubectl('--context', emulator.decoyContext, 'get', 'namespace', 'default', '--request-timeout=5s');
		t.not(decoy.exitCode, 0);
		t.regex(decoy.stderr, /127\.0\.0\.1:1/);
		const withoutConfig = await runTool(kubectlPath(), ['--kubeconfig', '/nonexistent/kubeconfig', 'get', 'namespaces'], {env: {}});
		t.not(withoutConfig.exitCode, 0);
	});
});

/** Whether the process is gone or a zombie nobody reaps yet: either way it no longer runs. */
function stillRuns(pid: number): boolean {
	try {
		return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
	} catch {
		return false;
	}
}

test('a test process killed before it stops the emulator takes its pods with it', async t => {
	const script = fileURLToPath(new URL('fixtures/emulator-with-pod.ts', import.meta.url));
	const child = spawn(process.execPath, ['--import=tsx', script], {stdio: ['ignore', 'pipe', 'pipe']});
	let output = '';
	const dirs: string[] = [];
	t.teardown(() => {
		child.kill('SIGKILL');
		for (const dir of dirs) rmSync(dir, {recursive: true, force: true});
	});
	const podPid = await new Promise<number>((resolve, reject) => {
		child.stderr.on('data', (data: Buffer) => (output += data.toString('utf8')));
		child.stdout.on('data', (data: Buffer) => {
			output += data.toString('utf8');
			const listed = /^dirs: (\S+) (\S+)$/m.exec(output);
			if (listed && dirs.length === 0) dirs.push(listed[1]!, listed[2]!);
			const pid = /^pod pid: (\d+)$/m.exec(output)?.[1];
			if (pid) resolve(Number(pid));
		});
		child.once('close', code => reject(new Error(`${script} exited ${code} before printing the pod's pid:\n${output}`)));
	});
	t.true(stillRuns(podPid), `the pod process ${podPid} runs before its emulator is killed`);
	child.kill('SIGKILL');
	// Generous for a loaded machine; the kernel sends the pod SIGKILL as soon as its parent dies.
	const deadline = Date.now() + 30_000;
	while (stillRuns(podPid) && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 100));
	t.false(stillRuns(podPid), `pod process ${podPid} still runs 30 s after the process running its emulator was killed`);
});
