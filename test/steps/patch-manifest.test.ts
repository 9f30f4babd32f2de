import {copyFile, readFile, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {parse, parseAllDocuments} from 'yaml';
import {StepFailedError} from '../../source/errors.js';
import {buildPlan} from '../../source/plan/build-plan.js';
import type {KubectlApplyStep, Plan} from '../../source/plan/types.js';
import {collectAnswers} from '../../source/recipes/collect-answers.js';
import {loadRecipe} from '../../source/recipes/load-recipes.js';
import {writePatchedManifest} from '../../source/steps/kubectl-apply.js';
import {tempDir} from '../support/temp-dir.js';

const fixture = new URL('../fixtures/harness-delegate-manifest.yaml', import.meta.url);
const endpoint = 'https://acme.agent.harness.io';

async function harnessPlan(manifest: string, outDir: string): Promise<Plan> {
	const recipe = await loadRecipe('harness-delegate');
	const {answers} = await collectAnswers(recipe, 'kubectl', {
		sets: ['delegateName=kubernetes-delegate', `managerEndpoint=${endpoint}`, `manifest=${manifest}`],
		env: {},
	});
	return buildPlan(recipe, 'kubectl', answers, {outDir});
}

function applyStep(plan: Plan): KubectlApplyStep {
	const step = plan.steps.find((s): s is KubectlApplyStep => s.kind === 'kubectl-apply');
	if (!step) throw new Error('the harness kubectl plan has no kubectl-apply step');
	return step;
}

type Doc = Record<string, any>;

test('the Harness sample manifest gets exactly the mTLS env, volumes and upgrader config keys (platforms.md §4.3)', async t => {
	const dir = await tempDir(t, 'mtls-patch-');
	const source = join(dir, 'harness-delegate.yaml');
	await copyFile(fixture, source);
	const original = await readFile(source, 'utf8');
	const step = applyStep(await harnessPlan(source, join(dir, 'out')));
	t.is(await writePatchedManifest(step, {}), step.manifest);
	t.is(await readFile(source, 'utf8'), original, 'the user file is never changed');
	t.is((await stat(step.manifest)).mode & 0o777, 0o600);

	const documents = parseAllDocuments(await readFile(step.manifest, 'utf8')).map(d => d.toJS() as Doc);
	t.deepEqual(documents.map(d => d['kind']), ['Namespace', 'Secret', 'Deployment', 'HorizontalPodAutoscaler', 'Role', 'RoleBinding', 'ServiceAccount', 'Secret', 'ConfigMap', 'CronJob']);
	const deployment = documents.find(d => d['kind'] === 'Deployment')!;
	const pod = deployment['spec']['template']['spec'];
	const env = Object.fromEntries((pod.containers[0].env as Doc[]).map(e => [e['name'], e['value'] ?? e['valueFrom']]));
	t.is(env['MANAGER_HOST_AND_PORT'], endpoint);
	t.is(env['LOG_STREAMING_SERVICE_URL'], `${endpoint}/log-service/`);
	t.is(env['TI_SERVICE_URL'], `${endpoint}/ti-service/`);
	t.is(env['DELEGATE_CLIENT_CERTIFICATE_PATH'], '/etc/mtls/client.crt');
	t.is(env['DELEGATE_CLIENT_CERTIFICATE_KEY_PATH'], '/etc/mtls/client.key');
	t.is(env['GRPC_AUTHORITY_MODIFICATION_DISABLED'], 'true');
	t.deepEqual(env['DELEGATE_NAMESPACE'], {fieldRef: {fieldPath: 'metadata.namespace'}}, 'untouched entries stay');
	t.is((pod.containers[0].env as Doc[]).filter(e => e['name'] === 'MANAGER_HOST_AND_PORT').length, 1, 'replaced, not duplicated');
	t.deepEqual(pod.containers[0].volumeMounts, [{name: 'client-certificate', mountPath: '/etc/mtls', readOnly: true}]);
	t.deepEqual(pod.volumes, [{name: 'client-certificate', secret: {secretName: 'client-certificate', defaultMode: 0o400}}]);

	const config = parse(documents.find(d => d['kind'] === 'ConfigMap')!['data']['config.yaml']) as Doc;
	t.is(config['clientCertificateFilePath'], '/etc/mtls/client.crt');
	t.is(config['clientCertificateKeyFilePath'], '/etc/mtls/client.key');
	t.is(config['mode'], 'Delegate');
	t.deepEqual(config['delegateConfig'], {accountId: 'abcdefACCOUNT', managerHost: endpoint});

	const upgrader = documents.find(d => d['kind'] === 'CronJob')!['spec']['jobTemplate']['spec']['template']['spec'];
	t.deepEqual(upgrader.containers[0].volumeMounts, [
		{name: 'config-volume', mountPath: '/etc/config'},
		{name: 'client-certificate', mountPath: '/etc/mtls', readOnly: true},
	]);
	t.deepEqual(upgrader.volumes.map((v: Doc) => v['name']), ['config-volume', 'client-certificate']);

	// Patching the patched copy again changes nothing: a re-run is idempotent.
	await copyFile(step.manifest, source);
	const once = await readFile(step.manifest, 'utf8');
	await writePatchedManifest(step, {});
	t.is(await readFile(step.manifest, 'utf8'), once);
});

test('a missing, invalid or different manifest fails naming the file', async t => {
	const dir = await tempDir(t, 'mtls-patch-');
	const missing = join(dir, 'nope.yaml');
	const step = applyStep(await harnessPlan(missing, join(dir, 'out')));
	const gone = await t.throwsAsync(writePatchedManifest(step, {}), {instanceOf: StepFailedError});
	t.is(gone?.message, `The manifest ${missing} does not exist.`);

	await writeFile(missing, 'kind: Deployment\nmetadata: {name: x\n');
	const invalid = await t.throwsAsync(writePatchedManifest(step, {}), {instanceOf: StepFailedError});
	t.regex(invalid!.message, new RegExp(`^${missing} line \\d+ is not valid YAML`));

	await writeFile(missing, 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: other}\n');
	const other = await t.throwsAsync(writePatchedManifest(step, {}), {instanceOf: StepFailedError});
	t.is(other?.message, `${missing} has no Deployment kubernetes-delegate to patch (Point the delegate at the mTLS endpoint and its client certificate).`);
});
