import test from 'ava';
import {ids, invoker, pki, planFor, stepOf} from './plan-for.js';

const secrets = {agentKey: 'k', agentKeyPassphrase: 'p'};

test('helm: step order and ids', async t => {
	const plan = await planFor('steadybit', 'helm', ['clusterName=prod-eu'], secrets);
	t.deepEqual(ids(plan), [
		'certificates',
		'verify-handshake',
		'secret-agent-client',
		'secret-extension-server',
		'secret-mtls-ca',
		'helm-steadybit-agent-values',
		'helm-steadybit-agent',
		'confirm-extension-http',
		'confirm-extension-kubernetes',
		'confirm-extension-container',
		'confirm-extension-host',
		'check-agent-calls',
	]);
	// The wizard cannot reach the pods: the plan says what it proved and what it did not.
	const unproven = stepOf(plan, 'check-agent-calls', 'manual').instructions.join('\n');
	t.regex(unproven, /Not proven: a call from the agent inside the cluster/);
	t.regex(unproven, /kubectl -n steadybit-agent logs statefulset\/steadybit-agent .*Configuring extension http client using mutual TLS/s);
});

test('helm: service-reached extensions get <svc>.<ns>.svc.cluster.local SANs; the agent key is encrypted when a passphrase is given', async t => {
	const plan = await planFor('steadybit', 'helm', ['clusterName=prod-eu', 'namespace=chaos', 'release=sb', 'extraDnsNames=ext.example.com'], secrets);
	const certificates = stepOf(plan, 'certificates', 'issue-certificates');
	t.deepEqual(certificates.ca, {mode: 'generate', commonName: 'Steadybit extensions mTLS CA', days: 3650, keySize: 2048});
	t.deepEqual(certificates.leaves, [
		{
			id: 'extension-server',
			role: 'server',
			commonName: 'sb-extension-http.chaos.svc.cluster.local',
			dnsNames: ['sb-extension-http.chaos.svc.cluster.local', 'sb-extension-kubernetes.chaos.svc.cluster.local', 'ext.example.com'],
			ipAddresses: [],
			days: 825,
			keySize: 2048,
		},
		{id: 'agent-client', role: 'client', commonName: 'steadybit-agent', dnsNames: [], ipAddresses: [], days: 825, keySize: 2048, keyPassphrase: {secret: 'agentKeyPassphrase'}},
	]);
	t.deepEqual(stepOf(plan, 'verify-handshake', 'verify-handshake'), {
		id: 'verify-handshake',
		kind: 'verify-handshake',
		title: 'Prove agent-client → extension-server with a local mutual-TLS handshake',
		dir: '/srv/mtls/certs',
		server: 'extension-server',
		client: 'agent-client',
		serverName: 'sb-extension-http.chaos.svc.cluster.local',
	});
});

test('helm: three secrets, the CA-only one Opaque with the single key tls.crt', async t => {
	const plan = await planFor('steadybit', 'helm', ['clusterName=prod-eu'], secrets);
	t.like(stepOf(plan, 'secret-agent-client', 'kube-secret'), {namespace: 'steadybit-agent', name: 'steadybit-agent-client-tls', type: 'tls', createNamespace: true});
	t.deepEqual(stepOf(plan, 'secret-agent-client', 'kube-secret').files, [
		{key: 'tls.crt', path: pki('agent-client.crt')},
		{key: 'tls.key', path: pki('agent-client.key')},
	]);
	t.like(stepOf(plan, 'secret-extension-server', 'kube-secret'), {name: 'steadybit-extension-server-tls', type: 'tls'});
	t.deepEqual(stepOf(plan, 'secret-extension-server', 'kube-secret').files, [
		{key: 'tls.crt', path: pki('extension-server.crt')},
		{key: 'tls.key', path: pki('extension-server.key')},
	]);
	const ca = stepOf(plan, 'secret-mtls-ca', 'kube-secret');
	t.is(ca.type, 'generic');
	t.is(ca.secretType, undefined, 'Opaque: no kubernetes.io/tls type, which would demand tls.key');
	t.deepEqual(ca.files, [{key: 'tls.crt', path: pki('ca.crt')}]);
});

test('helm: values use the current agent.* and extension-<name>.tls.* keys, never the legacy ones', async t => {
	const plan = await planFor('steadybit', 'helm', ['clusterName=prod-eu'], secrets);
	const write = stepOf(plan, 'helm-steadybit-agent-values', 'write-files');
	t.is(write.files.length, 1);
	t.is(write.files[0]!.path, '/srv/mtls/values/steadybit-agent.yaml');
	t.is(write.files[0]!.mode, 0o600);
	const extensionTls = {
		tls: {server: {certificate: {fromSecret: 'steadybit-extension-server-tls'}}, client: {certificates: {fromSecrets: ['steadybit-mtls-ca']}}},
	};
	t.deepEqual(write.files[0]!.contents, {
		yaml: {
			global: {clusterName: 'prod-eu'},
			agent: {
				key: {secret: 'agentKey'},
				extensions: {
					tls: {
						clientCertificate: {fromSecret: 'steadybit-agent-client-tls', key: {password: {value: {secret: 'agentKeyPassphrase'}}}},
						serverCertificate: {fromSecret: 'steadybit-mtls-ca'},
					},
				},
			},
			'extension-container': extensionTls,
			'extension-host': extensionTls,
			'extension-http': extensionTls,
			'extension-kubernetes': extensionTls,
		},
	});
	const text = JSON.stringify(write);
	for (const legacy of ['outpost', 'mutualTls', 'containerPath']) t.false(text.includes(legacy), legacy);
	t.deepEqual(stepOf(plan, 'helm-steadybit-agent', 'helm-release'), {
		id: 'helm-steadybit-agent',
		title: 'Install or upgrade steadybit-agent (chart steadybit-agent) with mutual TLS to its extensions',
		namespace: 'steadybit-agent',
		kind: 'helm-release',
		release: 'steadybit-agent',
		chart: 'steadybit/steadybit-agent',
		repo: {name: 'steadybit', url: 'https://steadybit.github.io/helm-charts'},
		version: '3.1.148',
		valuesFile: '/srv/mtls/values/steadybit-agent.yaml',
		// The secrets before it created the namespace.
		createNamespace: false,
		waitSeconds: 600,
	});
});

test('helm: without a passphrase the key is unencrypted and no password value is written', async t => {
	const plan = await planFor('steadybit', 'helm', ['clusterName=prod-eu'], {agentKey: 'k'});
	const leaf = stepOf(plan, 'certificates', 'issue-certificates').leaves.find(l => l.id === 'agent-client');
	t.false(leaf && 'keyPassphrase' in leaf);
	const values = stepOf(plan, 'helm-steadybit-agent-values', 'write-files').files[0]!.contents as {yaml: any};
	t.deepEqual(values.yaml.agent.extensions.tls.clientCertificate, {fromSecret: 'steadybit-agent-client-tls'});
	t.false(plan.secretAnswers.includes('agentKeyPassphrase'));
});

test('helm: a local chart gets no repo and no version', async t => {
	const plan = await planFor('steadybit', 'helm', ['clusterName=c', 'chart=./steadybit-agent-3.1.148.tgz'], secrets);
	const helm = stepOf(plan, 'helm-steadybit-agent', 'helm-release');
	t.is(helm.chart, './steadybit-agent-3.1.148.tgz');
	t.false('repo' in helm);
	t.false('version' in helm);
});

test('helm: confirmation accepts the current and legacy start lines, and only RequireAndVerifyClientCert proves mTLS', async t => {
	const plan = await planFor('steadybit', 'helm', ['clusterName=c'], secrets);
	const confirm = stepOf(plan, 'confirm-extension-http', 'wait-for-log');
	t.deepEqual(confirm.source, {kind: 'kubectl', resource: 'deployment/steadybit-agent-extension-http', namespace: 'steadybit-agent'});
	t.like(stepOf(plan, 'confirm-extension-container', 'wait-for-log').source, {resource: 'daemonset/steadybit-agent-extension-container'});
	const succeeds = (line: string) => confirm.success.some(p => new RegExp(p.pattern).test(line));
	const fails = (line: string) => confirm.failures.find(p => new RegExp(p.pattern).test(line));
	t.true(succeeds('2026-01-01T00:00:00Z INF Starting extension https server on port 8085 (ClientAuth: RequireAndVerifyClientCert)'));
	t.true(succeeds('2023-07-29 06:26:51.600 INF Starting extension server on port 9093 (TLS: true)'));
	t.false(succeeds('INF Starting extension https server on port 8085 (ClientAuth: NoClientCert)'));
	t.false(succeeds('INF Starting extension http server on port 8085'));
	t.truthy(fails('INF Starting extension https server on port 8085 (ClientAuth: NoClientCert)'));
	t.truthy(fails('INF Starting extension http server on port 8085'));
	const caHint = fails('2026-01-01T00:00:00Z WRN failed to load TLS client CA certificates error="open /x: no such file"')!.hint;
	t.regex(caHint, /client CA/);
	t.regex(caHint, /From extension-kit v1\.10\.0 it starts anyway and rejects every client; in v1\.8\.5 to v1\.9\.x the failure is fatal and the extension exits/, 'the version boundary, platforms.md 1.3');
	t.regex(fails('FTL Failed to start extension server error="failed to load TLS certificate: failed loading tls key pair: tls: failed to parse private key"')!.hint, /unencrypted/);
	const denied = fails('FTL Failed to start extension server error="failed to load TLS certificate: failed loading tls key pair: open /etc/extension/certificates/server/tls.key: permission denied"')!.hint;
	t.regex(denied, /^The container's user cannot read the server key file: the extension images run as uid 10000/);
	t.notRegex(denied, /unencrypted|encoding/, 'an unreadable key is not an encoding problem');
	t.regex(fails('ERR http: TLS handshake error from 10.0.0.1:5000: tls: failed to verify certificate: x509: certificate signed by unknown authority')!.hint, /CA/);
	for (const p of [...confirm.success, ...confirm.failures]) t.notThrows(() => new RegExp(p.pattern));
});

test('docker: extension and agent share a user-defined network; the agent registers the extension by its alias, the certificate\'s name', async t => {
	const plan = await planFor('steadybit', 'docker', ['extensionHost=extensions.local', 'extensionPort=8443', 'dockerNetwork=chaos'], secrets);
	t.deepEqual(ids(plan), ['certificates', 'create-network', 'verify-handshake', 'run-extension', 'run-agent', 'confirm-extension', 'probe-extension', 'confirm-agent']);
	const leaves = stepOf(plan, 'certificates', 'issue-certificates').leaves;
	t.deepEqual(leaves[0]!.dnsNames, ['extensions.local']);
	t.is(stepOf(plan, 'verify-handshake', 'verify-handshake').serverName, 'extensions.local');
	t.like(stepOf(plan, 'create-network', 'docker-network'), {name: 'chaos', driver: 'bridge', attachable: false});
	const extension = stepOf(plan, 'run-extension', 'docker-run');
	t.like(extension, {container: 'steadybit-extension', image: 'ghcr.io/steadybit/extension-http:latest', network: 'chaos', networkAliases: ['extensions.local'], ports: [], secretEnv: {}, args: []});
	t.deepEqual(extension.env, {
		STEADYBIT_EXTENSION_TLS_SERVER_CERT: '/etc/extension/certificates/server/tls.crt',
		STEADYBIT_EXTENSION_TLS_SERVER_KEY: '/etc/extension/certificates/server/tls.key',
		STEADYBIT_EXTENSION_TLS_CLIENT_CAS: '/etc/extension/certificates/client-ca/tls.crt',
		STEADYBIT_EXTENSION_PORT: '8443',
	});
	t.deepEqual(extension.mounts, [
		{source: pki('extension-server.crt'), target: '/etc/extension/certificates/server/tls.crt', readOnly: true},
		{source: pki('extension-server.key'), target: '/etc/extension/certificates/server/tls.key', readOnly: true},
		{source: pki('ca.crt'), target: '/etc/extension/certificates/client-ca/tls.crt', readOnly: true},
	]);
	t.false('STEADYBIT_EXTENSION_UNIX_SOCKET' in extension.env, 'a unix socket would switch TLS off');
	const agent = stepOf(plan, 'run-agent', 'docker-run');
	t.like(agent, {container: 'steadybit-agent', image: 'steadybit/agent:2.4.2', network: 'chaos', networkAliases: []});
	t.deepEqual(agent.env, {
		STEADYBIT_AGENT_EXTENSIONS_CLIENT_CERT_CHAIN_FILE: '/opt/steadybit/agent/etc/extensions/client/tls.crt',
		STEADYBIT_AGENT_EXTENSIONS_CLIENT_CERT_KEY_FILE: '/opt/steadybit/agent/etc/extensions/client/tls.key',
		STEADYBIT_AGENT_EXTENSIONS_SERVER_CERT: '/opt/steadybit/agent/etc/extensions/server/tls.crt',
		STEADYBIT_AGENT_EXTENSIONS_REGISTRATIONS_0_URL: 'https://extensions.local:8443',
	});
	t.deepEqual(agent.secretEnv, {STEADYBIT_AGENT_KEY: {secret: 'agentKey'}, STEADYBIT_AGENT_EXTENSIONS_CLIENT_CERT_PASSWORD: {secret: 'agentKeyPassphrase'}});
	t.deepEqual(agent.mounts.map(m => [m.source, m.target]), [
		[pki('agent-client.crt'), '/opt/steadybit/agent/etc/extensions/client/tls.crt'],
		[pki('agent-client.key'), '/opt/steadybit/agent/etc/extensions/client/tls.key'],
		[pki('ca.crt'), '/opt/steadybit/agent/etc/extensions/server/tls.crt'],
	]);
	t.deepEqual(stepOf(plan, 'confirm-extension', 'wait-for-log').source, {kind: 'docker-container', container: 'steadybit-extension'});
	t.deepEqual(stepOf(plan, 'confirm-agent', 'wait-for-log').source, {kind: 'docker-container', container: 'steadybit-agent'});
});

test('docker: nothing on the host network; both containers run as the owner of the 0600 keys they read (the images\' uid 10000 could not)', async t => {
	const plan = await planFor('steadybit', 'docker', [], secrets);
	for (const id of ['run-extension', 'run-agent']) {
		const step = stepOf(plan, id, 'docker-run');
		t.is(step.network, 'steadybit');
		t.is(step.user, `${invoker.uid}:${invoker.gid}`);
		t.is(step.userInScript, '"$(id -u):$(id -g)"');
	}

	t.is(stepOf(plan, 'run-extension', 'docker-run').networkAliases[0], 'steadybit-extension-http');
});

test('docker: the probe calls the extension on the shared network with the agent\'s certificate and its passphrase, by the certificate\'s name', async t => {
	const plan = await planFor('steadybit', 'docker', ['extensionHost=extensions.local', 'extensionPort=8443'], secrets);
	const probe = stepOf(plan, 'probe-extension', 'tls-probe');
	t.like(probe, {
		hostFrom: {dockerContainer: 'steadybit-extension', network: 'steadybit'},
		port: 8443,
		serverName: 'extensions.local',
		caFile: pki('ca.crt'),
		clientCertFile: pki('agent-client.crt'),
		clientKeyFile: pki('agent-client.key'),
		keyPassphrase: {secret: 'agentKeyPassphrase'},
	});
	t.false('host' in probe);
	t.is(probe.presentClientCertificate, undefined, 'the agent\'s certificate is presented');
	t.is(probe.clientCertificateOptional, undefined, 'a client without a certificate must be refused');
	const unencrypted = await planFor('steadybit', 'docker', [], {agentKey: 'k'});
	t.false('keyPassphrase' in stepOf(unencrypted, 'probe-extension', 'tls-probe'));
});

test('docker: extensionHost cannot be localhost, which inside the agent\'s container is the agent', async t => {
	await t.throwsAsync(planFor('steadybit', 'docker', ['extensionHost=localhost'], secrets), {message: /extensionHost.*a name other than localhost/});
});

test('docker: no passphrase, no password env var', async t => {
	const plan = await planFor('steadybit', 'docker', [], {agentKey: 'k'});
	t.deepEqual(stepOf(plan, 'run-agent', 'docker-run').secretEnv, {STEADYBIT_AGENT_KEY: {secret: 'agentKey'}});
});

test('bundle: certificates, handshake and instructions only', async t => {
	const plan = await planFor('steadybit', 'bundle', []);
	t.deepEqual(ids(plan), ['certificates', 'verify-handshake', 'use-bundle']);
	t.regex(stepOf(plan, 'use-bundle', 'manual').instructions.join('\n'), /Opaque secret with the single key tls\.crt/);
});

test('bundle: the passphrase variable is named only when a passphrase encrypts the agent key', async t => {
	const plain = await planFor('steadybit', 'bundle', []);
	t.false(JSON.stringify(plain.steps).includes('CLIENT_CERT_PASSWORD'), 'no passphrase, no passphrase variable');
	const encrypted = await planFor('steadybit', 'bundle', [], {agentKeyPassphrase: 'p'});
	t.deepEqual(ids(encrypted), ['certificates', 'verify-handshake', 'use-bundle', 'use-bundle-passphrase']);
	t.regex(stepOf(encrypted, 'use-bundle-passphrase', 'manual').instructions.join('\n'), /STEADYBIT_AGENT_EXTENSIONS_CLIENT_CERT_PASSWORD/);
});

test('helm: the namespace the three secrets and the release share is created once, by the first of them', async t => {
	const {printouts} = await import('../../source/render/print-plan.js');
	const plan = await planFor('steadybit', 'helm', ['clusterName=prod-eu', 'namespace=chaos'], secrets);
	const printed = printouts(plan);
	const creates = printed.flatMap(({step, commands}) => commands.filter(command => command.args.slice(0, 3).join(' ') === 'create namespace chaos').map(() => step.id));
	t.deepEqual(creates, ['secret-agent-client']);
	const namespaceFiles = printed.flatMap(({files}) => files.filter(file => file.path.includes('kube-namespace-')).map(file => file.path));
	t.is(namespaceFiles.length, 1, namespaceFiles.join('\n'));
	t.false(stepOf(plan, 'secret-mtls-ca', 'kube-secret').createNamespace);
	t.false(stepOf(plan, 'helm-steadybit-agent', 'helm-release').createNamespace, 'helm needs no --create-namespace for a namespace made before it');
});

test('a namespace is created once per cluster: the same name in another context is another namespace', async t => {
	const {createEachNamespaceOnce} = await import('../../source/plan/kubernetes-steps.js');
	const plan = await planFor('steadybit', 'helm', ['clusterName=prod-eu'], secrets);
	const secret = stepOf(plan, 'secret-agent-client', 'kube-secret');
	const once = createEachNamespaceOnce([
		{...secret, createNamespace: true},
		{...secret, id: 'other-cluster', context: 'kind-b', createNamespace: true},
		{...secret, id: 'again', createNamespace: true},
	]);
	t.deepEqual(once.map(step => (step.kind === 'kube-secret' ? step.createNamespace : undefined)), [true, true, false]);
});
