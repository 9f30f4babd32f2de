import test from 'ava';
import {ids, pki, planFor, stepOf} from './plan-for.js';

const kubectl = ['delegateName=kubernetes-delegate', 'managerEndpoint=https://acme.agent.harness.io', 'manifest=./harness-delegate.yaml'];
const helm = ['delegateName=helm-delegate', 'managerEndpoint=https://acme.harness.io:8443', 'accountId=acct_123'];
const docker = ['delegateName=docker-delegate', 'managerEndpoint=https://acme.agent.harness.io', 'accountId=acct_123'];
const token = {delegateToken: 'TOKEN'};

test('certificates: an RSA client certificate; a local-only server leaf for the handshake', async t => {
	const plan = await planFor('harness-delegate', 'kubectl', kubectl);
	const step = stepOf(plan, 'certificates', 'issue-certificates');
	t.deepEqual(step.leaves.map(l => [l.id, l.role, l.keyPassphrase]), [
		['client', 'client', undefined],
		['handshake-server', 'server', undefined],
	]);
	t.like(stepOf(plan, 'verify-handshake', 'verify-handshake'), {server: 'handshake-server', client: 'client', serverName: 'localhost'});
});

test('kubectl: manual CA hand-over and mode, secret client.crt/client.key, manifest patches', async t => {
	const plan = await planFor('harness-delegate', 'kubectl', kubectl);
	t.deepEqual(ids(plan), ['certificates', 'verify-handshake', 'send-ca-to-harness', 'choose-mtls-mode', 'secret-client-certificate', 'apply-delegate-manifest', 'confirm-delegate', 'check-delegate-connected']);
	t.regex(stepOf(plan, 'send-ca-to-harness', 'manual').instructions[0]!, /Send \/srv\/mtls\/certs\/ca\.crt .*Harness Support/);
	const modes = stepOf(plan, 'choose-mtls-mode', 'manual').instructions.join('\n');
	t.regex(modes, /LOOSE/);
	t.regex(modes, /STRICT/);
	const secret = stepOf(plan, 'secret-client-certificate', 'kube-secret');
	t.like(secret, {namespace: 'harness-delegate-ng', name: 'client-certificate', type: 'generic'});
	t.deepEqual(secret.files, [
		{key: 'client.crt', path: pki('client.crt')},
		{key: 'client.key', path: pki('client.key')},
	]);
	const apply = stepOf(plan, 'apply-delegate-manifest', 'kubectl-apply');
	t.like(apply, {namespace: 'harness-delegate-ng', manifest: '/srv/mtls/harness-delegate-mtls.yaml', rolloutResource: 'deployment/kubernetes-delegate'});
	t.is(apply.patchFrom?.source, './harness-delegate.yaml');
	const patches = apply.patchFrom!.patches.map(({description: _d, ...rest}) => rest);
	const volume = {name: 'client-certificate', secret: {secretName: 'client-certificate', defaultMode: 0o400}};
	const mount = {name: 'client-certificate', mountPath: '/etc/mtls', readOnly: true};
	t.deepEqual(patches, [
		{
			kind: 'Deployment',
			name: 'kubernetes-delegate',
			op: 'merge-env',
			path: '/spec/template/spec/containers/0/env',
			value: [
				{name: 'MANAGER_HOST_AND_PORT', value: 'https://acme.agent.harness.io'},
				{name: 'LOG_STREAMING_SERVICE_URL', value: 'https://acme.agent.harness.io/log-service/'},
				{name: 'TI_SERVICE_URL', value: 'https://acme.agent.harness.io/ti-service/'},
				{name: 'DELEGATE_CLIENT_CERTIFICATE_PATH', value: '/etc/mtls/client.crt'},
				{name: 'DELEGATE_CLIENT_CERTIFICATE_KEY_PATH', value: '/etc/mtls/client.key'},
				{name: 'GRPC_AUTHORITY_MODIFICATION_DISABLED', value: 'true'},
			],
		},
		{kind: 'Deployment', name: 'kubernetes-delegate', op: 'add-volume-mount', path: '/spec/template/spec/containers/0/volumeMounts', value: mount},
		{kind: 'Deployment', name: 'kubernetes-delegate', op: 'add-volume', path: '/spec/template/spec/volumes', value: volume},
		{
			kind: 'ConfigMap',
			name: 'kubernetes-delegate-upgrader-config',
			op: 'merge-config-yaml',
			path: '/data/config.yaml',
			value: {
				clientCertificateFilePath: '/etc/mtls/client.crt',
				clientCertificateKeyFilePath: '/etc/mtls/client.key',
				delegateConfig: {managerHost: 'https://acme.agent.harness.io'},
			},
		},
		{kind: 'CronJob', name: 'kubernetes-delegate-upgrader-job', op: 'add-volume-mount', path: '/spec/jobTemplate/spec/template/spec/containers/0/volumeMounts', value: mount},
		{kind: 'CronJob', name: 'kubernetes-delegate-upgrader-job', op: 'add-volume', path: '/spec/jobTemplate/spec/template/spec/volumes', value: volume},
	]);
	const confirm = stepOf(plan, 'confirm-delegate', 'wait-for-log');
	t.deepEqual(confirm.source, {kind: 'kubectl', resource: 'deployment/kubernetes-delegate', container: 'delegate', namespace: 'harness-delegate-ng'});
});

test('confirmation: the mTLS line succeeds; key-format lines fail with a plain hint', async t => {
	const plan = await planFor('harness-delegate', 'kubectl', kubectl);
	const confirm = stepOf(plan, 'confirm-delegate', 'wait-for-log');
	t.true(confirm.success.some(p => new RegExp(p.pattern).test('2026-02-01 10:00:00,123 [main] INFO  DelegateAgentModule - Delegate is running with mTLS enabled.')));
	const hint = (line: string) => confirm.failures.find(p => new RegExp(p.pattern).test(line))?.hint;
	t.regex(
		hint(
			'java.lang.IllegalArgumentException: Invalid format for key (expected PEM format with DER encoded key in PKCS8 format) - Only one key per file is allowed and it has to start with -----BEGIN PRIVATE KEY----- and end with -----END PRIVATE KEY-----.',
		)!,
		/PKCS#8.*PKCS#1/,
	);
	t.regex(hint('Failed to generate key (expected DER encoded key in PKCS8 format): java.security.spec.InvalidKeySpecException')!, /RSA/);
	t.regex(hint("Failed to read file '/etc/mtls/client.key': NoSuchFileException")!, /\/etc\/mtls/);
	t.regex(hint("Failed to load certificate(s) from '/etc/mtls/client.crt': bad")!, /client\.crt/);
	t.regex(hint('Failed to generate keystore from certificate: mismatch')!, /belong together/);
	t.regex(hint('Connection check to Harness manager failed. Stop launching delegate.')!, /PRECHECK_CONN/);
});

test('helm: mTLS.secretName, managerEndpoint, and GRPC_AUTHORITY_MODIFICATION_DISABLED and TI_SERVICE_URL through custom_envs', async t => {
	const plan = await planFor('harness-delegate', 'helm', helm, token);
	t.deepEqual(ids(plan), ['certificates', 'verify-handshake', 'send-ca-to-harness', 'choose-mtls-mode', 'secret-client-certificate', 'helm-harness-delegate-values', 'helm-harness-delegate', 'confirm-delegate', 'check-delegate-connected']);
	t.deepEqual(stepOf(plan, 'helm-harness-delegate-values', 'write-files').files[0]!.contents, {
		yaml: {
			delegateName: 'helm-delegate',
			accountId: 'acct_123',
			delegateToken: {secret: 'delegateToken'},
			managerEndpoint: 'https://acme.harness.io:8443',
			delegateDockerImage: 'harness/delegate:26.02.88404',
			upgrader: {enabled: true},
			mTLS: {secretName: 'client-certificate'},
			custom_envs: [
				{name: 'GRPC_AUTHORITY_MODIFICATION_DISABLED', value: 'true'},
				{name: 'TI_SERVICE_URL', value: 'https://acme.harness.io:8443/ti-service/'},
			],
		},
	});
	t.like(stepOf(plan, 'helm-harness-delegate', 'helm-release'), {
		release: 'helm-delegate',
		chart: 'harness-delegate/harness-delegate-ng',
		repo: {name: 'harness-delegate', url: 'https://app.harness.io/storage/harness-download/delegate-helm-chart'},
		version: '1.0.32',
	});
});

test('helm fleet: each delegate\'s values step is titled with its agent, one title per step, and writes its own values file', async t => {
	const plan = await planFor('harness-delegate', 'helm', [...helm, 'agents=east,west'], token);
	const values = plan.steps.filter(step => step.kind === 'write-files' && step.id.startsWith('helm-harness-delegate-values'));
	t.deepEqual(
		values.map(step => [step.id, step.title]),
		[
			['helm-harness-delegate-values-east', 'Write the helm values for harness-delegate of agent east'],
			['helm-harness-delegate-values-west', 'Write the helm values for harness-delegate of agent west'],
		],
	);
	t.deepEqual(
		values.map(step => (step.kind === 'write-files' ? step.files[0]!.path : '')),
		['/srv/mtls/values/harness-delegate-east.yaml', '/srv/mtls/values/harness-delegate-west.yaml'],
	);
	const titles = plan.steps.map(step => step.title);
	t.is(new Set(titles).size, titles.length, `every step of the fleet plan has its own title:\n${titles.join('\n')}`);
});

test('docker: on the default bridge as the vendor runs it, env, mounts at /etc/mtls, root user, token as secret env', async t => {
	const plan = await planFor('harness-delegate', 'docker', docker, token);
	t.deepEqual(ids(plan).slice(-2), ['confirm-delegate', 'check-delegate-connected'], 'the log line alone proves no handshake: a person checks the connection');
	const run = stepOf(plan, 'run-delegate', 'docker-run');
	t.like(run, {container: 'docker-delegate', image: 'harness/delegate:26.02.88404', user: 'root', network: 'bridge', networkAliases: [], ports: []});
	t.deepEqual(run.mounts, [
		{source: pki('client.crt'), target: '/etc/mtls/client.crt', readOnly: true},
		{source: pki('client.key'), target: '/etc/mtls/client.key', readOnly: true},
	]);
	t.deepEqual(run.env, {
		DELEGATE_NAME: 'docker-delegate',
		NEXT_GEN: 'true',
		DELEGATE_TYPE: 'DOCKER',
		ACCOUNT_ID: 'acct_123',
		DELEGATE_CLIENT_CERTIFICATE_PATH: '/etc/mtls/client.crt',
		DELEGATE_CLIENT_CERTIFICATE_KEY_PATH: '/etc/mtls/client.key',
		LOG_STREAMING_SERVICE_URL: 'https://acme.agent.harness.io/log-service/',
		TI_SERVICE_URL: 'https://acme.agent.harness.io/ti-service/',
		MANAGER_HOST_AND_PORT: 'https://acme.agent.harness.io',
		GRPC_AUTHORITY_MODIFICATION_DISABLED: 'true',
	});
	t.deepEqual(run.secretEnv, {DELEGATE_TOKEN: {secret: 'delegateToken'}});
	t.deepEqual(stepOf(plan, 'confirm-delegate', 'wait-for-log').source, {kind: 'docker-container', container: 'docker-delegate'});
});

test('an endpoint with a path is refused naming --set managerEndpoint; a trailing slash is dropped', async t => {
	const error = await t.throwsAsync(planFor('harness-delegate', 'kubectl', [...kubectl, 'managerEndpoint=https://acme.agent.harness.io/api']));
	t.is(
		error?.message,
		'--set managerEndpoint: "https://acme.agent.harness.io/api" is not an https URL with a host and optional port, without a path or trailing slash. Your mTLS endpoint, e.g. https://<vanity>.harness.io:8443 or https://<subdomain>.agent.harness.io.',
	);
	const plan = await planFor('harness-delegate', 'kubectl', [...kubectl, 'managerEndpoint=https://acme.agent.harness.io/']);
	const text = JSON.stringify(plan.steps);
	t.true(text.includes('https://acme.agent.harness.io/ti-service/'), 'TI_SERVICE_URL is the endpoint and one slash');
	t.false(text.includes('harness.io//'));
});
