import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {stepsNamed} from '../../support/run-cli.js';
import {makeTestPki, type TestPki} from '../../support/stand-ins/openssl-pki.js';
import {startStandIn} from '../../support/stand-ins/run-stand-in.js';
import {chartPath, freePort, shown, standInImage, startCluster} from './support.js';

const manifest = fileURLToPath(new URL('../../fixtures/harness-delegate-manifest.yaml', import.meta.url));

/*
 * Harness SaaS is the TLS server here: a local harness-manager stand-in on 127.0.0.1 with a server certificate from
 * its own CA (the "public" CA the delegate trusts: the stand-in delegate is given it as STAND_IN_EXTRA_CA, as the
 * real image carries public roots). The account's uploaded ca.crt is the CA the wizard signs with: the run is given
 * that CA (--set caCert/caKey), so the manager can trust it before the run starts, as Harness Support would.
 */
let pki: TestPki;
let pkiDir: string;
test.before(async () => {
	pkiDir = await mkdtemp(join(tmpdir(), 'mtls-e2e-harness-pki-'));
	pki = await makeTestPki(pkiDir);
});
test.after.always(async () => {
	await rm(pkiDir, {recursive: true, force: true});
});

async function startManager(t: Parameters<typeof startCluster>[0]) {
	const port = await freePort();
	const manager = startStandIn('harness-manager', {args: ['--cert', pki.server.cert, '--key', pki.server.key, '--client-ca', pki.otherCa.cert, '--port', String(port), '--mode', 'STRICT']});
	t.teardown(async () => manager.stop());
	await manager.waitFor(/listening on https:\/\/127\.0\.0\.1:\d+ \(mTLS mode STRICT\)/);
	return {manager, endpoint: `https://127.0.0.1:${port}`};
}

const delegateImage = (name: string) => ({[name]: standInImage('harness-delegate', {STAND_IN_EXTRA_CA: pki.ca.cert, STAND_IN_HEARTBEAT_MS: '500'})});
// The test CA lives 2 days; leaves must end before it does.
const ownCa = () => ['--set', `caCert=${pki.otherCa.cert}`, '--set', `caKey=${pki.otherCa.key}`, '--set', 'days=1'];

test.serial('harness-delegate --target kubectl: the patched sample manifest runs the delegate, which registers with the manager over mutual TLS', async t => {
	const {manager, endpoint} = await startManager(t);
	const cluster = await startCluster(t, delegateImage('harness/delegate:24.07.83404'));
	const out = join(cluster.scratch, 'out');
	const result = await cluster.cli([
		'run', 'harness-delegate', '--target', 'kubectl',
		'--set', 'delegateName=kubernetes-delegate',
		'--set', `managerEndpoint=${endpoint}`,
		'--set', `manifest=${manifest}`,
		'--set', 'waitSeconds=60',
		...ownCa(),
		'--out', out, '--yes',
	]);
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
	await manager.waitFor(/registered delegate kubernetes-delegate \(.*\) for account abcdefACCOUNT with client certificate harness-delegate$/m);
});

/** `run harness-delegate --target helm` (delegate helm-delegate in harness-e2e) against a strict manager, plus `extra` arguments. */
async function runHelm(t: Parameters<typeof startCluster>[0], extra: string[]) {
	const {manager, endpoint} = await startManager(t);
	const cluster = await startCluster(t, delegateImage('harness/delegate:26.02.88404'));
	const sets = ['delegateName=helm-delegate', `managerEndpoint=${endpoint}`, 'accountId=acct-e2e', 'namespace=harness-e2e', `chart=${chartPath('harness-delegate-ng')}`, 'waitSeconds=60'];
	const result = await cluster.cli(
		['run', 'harness-delegate', '--target', 'helm', ...sets.flatMap(answer => ['--set', answer]), ...extra, ...ownCa(), '--out', join(cluster.scratch, 'out'), '--yes'],
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
		await manager.waitFor(new RegExp(`registered delegate helm-delegate-${region} \\(.*\\) for account acct-e2e with client certificate ${region}$`, 'm'));
	}
});
