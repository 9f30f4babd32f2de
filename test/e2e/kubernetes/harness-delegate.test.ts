import {join} from 'node:path';
import test from 'ava';
import {stepsNamed} from '../../support/run-cli.js';
import type {TestPki} from '../../support/stand-ins/openssl-pki.js';
import {delegateImage, harnessPki, kubectlDelegateRun, ownCa, startManager} from './harness-manager.js';
import {chartPath, shown, startCluster} from './support.js';

let pki: TestPki;
let removePki: () => Promise<void>;
test.before(async () => {
	({pki, remove: removePki} = await harnessPki());
});
test.after.always(async () => removePki());

test.serial('harness-delegate --target kubectl: the patched sample manifest runs the delegate, which registers with the manager over mutual TLS', async t => {
	const {manager, endpoint} = await startManager(t, pki);
	const cluster = await startCluster(t, delegateImage(pki, 'harness/delegate:24.07.83404'));
	const out = join(cluster.scratch, 'out');
	const result = await cluster.cli(kubectlDelegateRun(pki, endpoint, out));
	t.is(result.exitCode, 0, shown(result));
	t.regex(result.stdout, /confirmed: The delegate started with both client certificate paths set/);

	const secret = await cluster.kubectl('-n', 'harness-delegate-ng', 'get', 'secret', 'client-certificate', '-o', 'go-template={{.type}}{{range $k, $v := .data}} {{$k}}{{end}}');
	t.is(secret.stdout, 'Opaque client.crt client.key', secret.stderr);
	const upgrader = await cluster.kubectl('-n', 'harness-delegate-ng', 'get', 'configmap', 'kubernetes-delegate-upgrader-config', '-o', 'jsonpath={.data.config\\.yaml}');
	t.regex(upgrader.stdout, /^clientCertificateFilePath: \/etc\/mtls\/client\.crt$/m);
	t.regex(upgrader.stdout, new RegExp(`managerHost: ${endpoint.replaceAll('.', '\\.')}`));
	const cronJob = await cluster.kubectl('-n', 'harness-delegate-ng', 'get', 'cronjob', 'kubernetes-delegate-upgrader-job', '-o', 'jsonpath={.spec.jobTemplate.spec.template.spec.volumes[*].secret.secretName}');
	t.regex(cronJob.stdout, /client-certificate/, cronJob.stderr);

	const log = await cluster.logs('harness-delegate-ng', 'deployment/kubernetes-delegate', /Delegate registered with id/);
	t.regex(log, /Delegate is running with mTLS enabled\./);
	await manager.waitFor(/registered delegate kubernetes-delegate \(.*\) for account abcdefACCOUNT with client certificate harness-delegate \(SHA-256 [0-9A-F:]{95}\)$/m);
});

/** `run harness-delegate --target helm` (delegate helm-delegate in harness-e2e) against a strict manager, plus `extra` arguments. */
async function runHelm(t: Parameters<typeof startCluster>[0], extra: string[]) {
	const {manager, endpoint} = await startManager(t, pki);
	const cluster = await startCluster(t, delegateImage(pki, 'harness/delegate:26.02.88404'));
	const sets = ['delegateName=helm-delegate', `managerEndpoint=${endpoint}`, 'accountId=acct-e2e', 'namespace=harness-e2e', `chart=${chartPath('harness-delegate-ng')}`, 'waitSeconds=60'];
	const result = await cluster.cli(
		['run', 'harness-delegate', '--target', 'helm', ...sets.flatMap(answer => ['--set', answer]), ...extra, ...ownCa(pki), '--out', join(cluster.scratch, 'out'), '--yes'],
		{env: {MTLS_WIZARD_ANSWER_DELEGATE_TOKEN: 'token-e2e'}},
	);
	return {manager, cluster, result};
}

test.serial('harness-delegate --target helm: harness-delegate-ng with mTLS.secretName; the delegate registers and sends heartbeats', async t => {
	const {manager, cluster, result} = await runHelm(t, []);
	t.is(result.exitCode, 0, shown(result));
	t.regex(result.stdout, /confirmed: The delegate started with both client certificate paths set/);
	t.notRegex(result.stdout + result.stderr, /token-e2e/);

	const mounted = await cluster.kubectl('-n', 'harness-e2e', 'get', 'deployment', 'helm-delegate', '-o', 'jsonpath={.spec.template.spec.volumes[*].secret.secretName} {.spec.template.spec.containers[0].volumeMounts[*].mountPath}');
	t.regex(mounted.stdout, /client-certificate.* .*\/etc\/mtls/, mounted.stderr);
	await cluster.logs('harness-e2e', 'deployment/helm-delegate', /Sent heartbeat to manager/);
	await manager.waitFor(/registered delegate helm-delegate \(.*\) for account acct-e2e with client certificate/);
	await manager.waitFor(/heartbeat from delegate \S+ for account acct-e2e/);
});

test.serial('harness-delegate --target helm with two delegates: each its own secret and release, each registered with its own client certificate and confirmed', async t => {
	const {manager, cluster, result} = await runHelm(t, ['--set', 'agents=eu,us']);
	t.is(result.exitCode, 0, shown(result));
	const confirmations = stepsNamed(result.stdout, 'confirm-delegate-');
	t.deepEqual(confirmations.map(([region]) => region), ['eu', 'us']);
	for (const [, output] of confirmations) t.regex(output, /done \([^)]*\): confirmed: The delegate started with both client certificate paths set/);
	for (const region of ['eu', 'us']) {
		const mounted = await cluster.kubectl('-n', 'harness-e2e', 'get', 'deployment', `helm-delegate-${region}`, '-o', 'jsonpath={.spec.template.spec.volumes[*].secret.secretName}');
		t.regex(mounted.stdout, new RegExp(`\\bclient-certificate-${region}\\b`), mounted.stderr);
		await manager.waitFor(new RegExp(`registered delegate helm-delegate-${region} \\(.*\\) for account acct-e2e with client certificate ${region} \\(SHA-256 [0-9A-F:]{95}\\)$`, 'm'));
	}
});
