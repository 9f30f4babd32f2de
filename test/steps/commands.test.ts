import test from 'ava';
import {quoteCommand} from '../../source/exec/shell-quote.js';
import type {Step} from '../../source/plan/types.js';
import {runnerFor} from '../../source/steps/registry.js';

function lines(step: Step): string[] {
	return runnerFor(step).commands(step).map(c => quoteCommand(c));
}

const kube = {namespace: 'harness-delegate-ng', context: 'prod ctx'};

test('kube-secret renders with kubectl to a file and applies it, namespace first when asked', t => {
	const step: Step = {
		id: 's',
		title: 't',
		kind: 'kube-secret',
		...kube,
		name: 'client-certificate',
		type: 'generic',
		files: [
			{key: 'client.crt', path: '/o/certs/client.crt'},
			{key: 'client.key', path: '/o/certs/client.key'},
		],
		createNamespace: true,
	};
	t.deepEqual(lines(step), [
		"kubectl create namespace harness-delegate-ng --dry-run=client -o yaml --context 'prod ctx' > '/o/certs/kube-namespace-harness-delegate-ng.yaml'",
		"kubectl apply -f /o/certs/kube-namespace-harness-delegate-ng.yaml --context 'prod ctx'",
		"kubectl create secret generic client-certificate -n harness-delegate-ng --context 'prod ctx' --from-file=client.crt=/o/certs/client.crt --from-file=client.key=/o/certs/client.key --dry-run=client -o yaml > '/o/certs/kube-secret-harness-delegate-ng-client-certificate.yaml'",
		"kubectl apply -f /o/certs/kube-secret-harness-delegate-ng-client-certificate.yaml -n harness-delegate-ng --context 'prod ctx'",
	]);
	const tls = {...step, type: 'tls' as const, context: undefined, createNamespace: false, files: [{key: 'tls.crt', path: '/c/s.crt'}, {key: 'tls.key', path: '/c/s.key'}, {key: 'ca.crt', path: '/c/ca.crt'}]};
	t.is(lines(tls)[0], "kubectl create secret generic client-certificate -n harness-delegate-ng --type=kubernetes.io/tls --from-file=tls.crt=/c/s.crt --from-file=tls.key=/c/s.key --from-file=ca.crt=/c/ca.crt --dry-run=client -o yaml > '/c/kube-secret-harness-delegate-ng-client-certificate.yaml'");
	t.throws(() => lines({...tls, files: [{key: 'ca.crt', path: '/c/ca.crt'}]}), {message: /needs the keys tls.crt and tls.key/});
	t.deepEqual(runnerFor(step).commands(step).map(c => c.outputFile !== undefined), [true, false, true, false]);
});

test('helm-release installs or upgrades with values files, wait, timeout and kube context', t => {
	const step: Step = {
		id: 'h',
		title: 't',
		kind: 'helm-release',
		...kube,
		release: 'helm-delegate',
		chart: 'harness-delegate/harness-delegate-ng',
		repo: {name: 'harness-delegate', url: 'https://app.harness.io/storage/harness-download/delegate-helm-chart'},
		version: '1.0.32',
		extraValuesFiles: ['/home/me/my values.yaml'],
		valuesFile: '/o/values.yaml',
		createNamespace: true,
		waitSeconds: 300,
	};
	t.deepEqual(lines(step), [
		"helm upgrade --install helm-delegate harness-delegate-ng --repo https://app.harness.io/storage/harness-download/delegate-helm-chart -n harness-delegate-ng --create-namespace --version 1.0.32 -f '/home/me/my values.yaml' -f /o/values.yaml --wait --timeout 300s --kube-context 'prod ctx'",
	]);
	t.deepEqual(lines({...step, repo: undefined, version: undefined, extraValuesFiles: undefined, createNamespace: false, context: undefined, chart: './chart'} as Step), [
		'helm upgrade --install helm-delegate ./chart -n harness-delegate-ng -f /o/values.yaml --wait --timeout 300s',
	]);
});

test('kubectl-apply applies the manifest and waits for the rollout', t => {
	const step: Step = {id: 'k', title: 't', kind: 'kubectl-apply', ...kube, manifest: '/o/harness-delegate-mtls.yaml', rolloutResource: 'deployment/kubernetes-delegate', waitSeconds: 600};
	t.deepEqual(lines(step), [
		"kubectl apply -f /o/harness-delegate-mtls.yaml -n harness-delegate-ng --context 'prod ctx'",
		"kubectl rollout status deployment/kubernetes-delegate -n harness-delegate-ng --context 'prod ctx' --timeout=600s",
	]);
});

test('docker-run removes the old container, then runs with mounts, env, env file and user; secrets only in the env file', t => {
	const step: Step = {
		id: 'd',
		title: 't',
		kind: 'docker-run',
		container: 'harness-delegate',
		image: 'harness/delegate:26.02.88404',
		network: 'host',
		networkAliases: [],
		ports: [],
		mounts: [{source: '/o/certs/client.crt', target: '/etc/mtls/client.crt', readOnly: true}],
		env: {NEXT_GEN: 'true', DELEGATE_NAME: 'my delegate'},
		secretEnv: {DELEGATE_TOKEN: {secret: 'delegateToken'}},
		envFile: '/o/delegate.env',
		user: 'root',
		args: [],
	};
	const commands = runnerFor(step).commands(step);
	t.deepEqual(commands.map(c => quoteCommand(c)), [
		'docker rm -f harness-delegate',
		"docker run -d --name harness-delegate --network host -v /o/certs/client.crt:/etc/mtls/client.crt:ro -e NEXT_GEN=true -e 'DELEGATE_NAME=my delegate' --env-file /o/delegate.env -u root harness/delegate:26.02.88404",
	]);
	t.deepEqual(commands[0]?.okExitCodes, [1]);
	t.deepEqual(runnerFor(step).files?.(step), [{path: '/o/delegate.env', mode: 0o600, preview: 'DELEGATE_TOKEN=<redacted>\n'}]);
	// Without an env file, the secret travels in docker's environment: a bare -e NAME, never its value.
	t.is(
		lines({...step, envFile: undefined} as Step)[1],
		"docker run -d --name harness-delegate --network host -v /o/certs/client.crt:/etc/mtls/client.crt:ro -e NEXT_GEN=true -e 'DELEGATE_NAME=my delegate' -e DELEGATE_TOKEN -u root harness/delegate:26.02.88404",
	);
});

test('docker-run joins a user-defined network under its aliases, publishes ports and, in apply.sh, asks id for the user', t => {
	const step: Step = {
		id: 'd',
		title: 't',
		kind: 'docker-run',
		container: 'steadybit-extension',
		image: 'steadybit/extension-http:1.0.0',
		network: 'steadybit',
		networkAliases: ['extensions.local', 'http.extensions.local'],
		ports: [
			{published: 9443, target: 9443},
			{published: 8000, target: 8000, hostIp: '127.0.0.1'},
		],
		mounts: [],
		env: {},
		secretEnv: {},
		user: '1000:1000',
		userInScript: '"$(id -u):$(id -g)"',
		args: [],
	};
	const run = runnerFor(step).commands(step)[1]!;
	const printed = 'docker run -d --name steadybit-extension --network steadybit --network-alias extensions.local --network-alias http.extensions.local -p 9443:9443 -p 127.0.0.1:8000:8000 -u';
	t.is(quoteCommand(run), `${printed} 1000:1000 steadybit/extension-http:1.0.0`, 'dry-run and the runner use the ids the plan was built with');
	t.is(quoteCommand(run, {script: true}), `${printed} "$(id -u):$(id -g)" steadybit/extension-http:1.0.0`, 'apply.sh asks for the ids of whoever runs it');
	t.false(lines({...step, network: 'bridge', networkAliases: [], user: undefined, userInScript: undefined} as Step)[1]!.includes('--network'), 'the default bridge needs no --network');
	t.is(run.args[run.args.indexOf('-u') + 1], '1000:1000', 'argv never holds shell text');
});

test('docker-network inspects first and creates only when missing', t => {
	const step: Step = {id: 'n', title: 't', kind: 'docker-network', name: 'portainer_agent_network', driver: 'overlay', attachable: true};
	const commands = runnerFor(step).commands(step);
	t.deepEqual(commands.map(c => quoteCommand(c)), [
		"docker network inspect --format '{{.Driver}}' portainer_agent_network",
		'docker network create --driver overlay --attachable portainer_agent_network',
	]);
	t.deepEqual(commands[0]?.okExitCodes, [1]);
	t.deepEqual(commands.map(c => c.onlyIfPreviousFailed ?? false), [false, true]);
	t.regex(commands[1]?.note ?? '', /Only when the inspect above found no network/);
	t.is(lines({...step, driver: 'bridge', attachable: false})[1], 'docker network create --driver bridge portainer_agent_network');
});

test('docker-secret and swarm-service: remove then create', t => {
	t.deepEqual(lines({id: 'ds', title: 't', kind: 'docker-secret', name: 'portainer-ca', file: '/o/certs/ca.crt'}), [
		'docker secret rm portainer-ca',
		'docker secret create portainer-ca /o/certs/ca.crt',
	]);
	// A certificate secret carries its fingerprint as a label (status compares by it): known when it runs, asked of openssl in apply.sh.
	const labelled: Step = {id: 'ds', title: 't', kind: 'docker-secret', name: 'portainer-ca', file: '/o/my certs/ca.crt', labelFingerprint: true};
	const [, create] = runnerFor(labelled).commands(labelled);
	t.is(quoteCommand(create!), "docker secret create --label 'mtls-wizard.sha256=<SHA-256 fingerprint of /o/my certs/ca.crt>' portainer-ca '/o/my certs/ca.crt'");
	t.is(
		quoteCommand(create!, {script: true, bundleDir: '/o'}),
		`docker secret create --label "mtls-wizard.sha256=$(openssl x509 -noout -fingerprint -sha256 -in "$PWD"/'my certs/ca.crt' | cut -d= -f2)" portainer-ca "$PWD"/'my certs/ca.crt'`,
	);
	const service: Step = {
		id: 'sv',
		title: 't',
		kind: 'swarm-service',
		service: 'portainer_agent',
		image: 'portainer/agent:2.21',
		network: 'portainer_agent_network',
		mode: {kind: 'replicated', replicas: 1},
		publish: [],
		constraints: [],
		secrets: [{source: 'portainer-ca', target: '/certs/ca.crt'}],
		mounts: [
			{source: '/var/run/docker.sock', target: '/var/run/docker.sock', readOnly: false},
			{source: 'portainer_agent_data', target: '/data', readOnly: false},
		],
		env: {EDGE: '1'},
		secretEnv: {},
		args: ['--tlsverify'],
	};
	t.deepEqual(lines(service), [
		'docker service rm portainer_agent',
		'docker service create --detach --name portainer_agent --replicas 1 --network portainer_agent_network --mount type=bind,source=/var/run/docker.sock,target=/var/run/docker.sock --mount type=volume,source=portainer_agent_data,target=/data --secret source=portainer-ca,target=/certs/ca.crt -e EDGE=1 portainer/agent:2.21 --tlsverify',
	]);
	t.is(lines({...service, secretEnv: {EDGE_KEY: {secret: 'edgeKey'}}} as Step)[1], 'docker service create --detach --name portainer_agent --replicas 1 --network portainer_agent_network --mount type=bind,source=/var/run/docker.sock,target=/var/run/docker.sock --mount type=volume,source=portainer_agent_data,target=/data --secret source=portainer-ca,target=/certs/ca.crt -e EDGE=1 -e EDGE_KEY portainer/agent:2.21 --tlsverify');
	const global = {
		...service,
		mounts: undefined,
		secrets: [],
		env: {},
		args: [],
		mode: {kind: 'global'},
		publish: [
			{published: 9443, target: 9443, mode: 'ingress'},
			{published: 8000, target: 8000, mode: 'host'},
		],
		constraints: ['node.role == manager', 'node.platform.os == linux'],
	} as Step;
	t.is(
		lines(global)[1],
		"docker service create --detach --name portainer_agent --mode global --network portainer_agent_network --publish published=9443,target=9443,mode=ingress --publish published=8000,target=8000,mode=host --constraint 'node.role == manager' --constraint 'node.platform.os == linux' portainer/agent:2.21",
	);
});

test('tls-probe on a container address prints the lookup it runs; one on a fixed host runs nothing', t => {
	const probe = {
		id: 'p',
		title: 't',
		kind: 'tls-probe' as const,
		port: 8443,
		serverName: 'extensions.local',
		caFile: '/o/certs/ca.crt',
		clientCertFile: '/o/certs/agent-client.crt',
		clientKeyFile: '/o/certs/agent-client.key',
		timeoutSeconds: 60,
		failureHints: [],
	};
	t.deepEqual(lines({...probe, hostFrom: {dockerContainer: 'steadybit-extension', network: 'steadybit'}}), [
		"docker container inspect --format '{{json .NetworkSettings.Networks}}' steadybit-extension",
	]);
	t.deepEqual(lines({...probe, host: '127.0.0.1'}), []);
});

test('local steps run no external command', t => {
	const local: Step[] = [
		{id: 'c', title: 't', kind: 'issue-certificates', dir: '/o/certs', ca: {mode: 'generate', commonName: 'CA', days: 10, keySize: 2048}, leaves: []},
		{id: 'v', title: 't', kind: 'verify-handshake', dir: '/o/certs', server: 'server', client: 'client', serverName: 'localhost'},
		{id: 'w', title: 't', kind: 'write-files', files: []},
		{id: 'm', title: 't', kind: 'manual', instructions: ['Send ca.crt to support']},
	];
	for (const step of local) t.deepEqual(runnerFor(step).commands(step), [], step.kind);
});
