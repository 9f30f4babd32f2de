import {X509Certificate} from 'node:crypto';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {createController} from '../../source/wizard/create-controller.js';
import {openssl} from '../pki/support/openssl.js';
import {runCli} from '../support/run-cli.js';
import {runToEnd} from './support/run-to-end.js';

async function deployed(t: ExecutionContext, extra: string[] = []) {
	const dir = await mkdtemp(join(tmpdir(), 'mtls-wizard-controller-rotate-'));
	t.teardown(async () => rm(dir, {recursive: true, force: true}));
	const env = {PATH: process.env['PATH'], MTLS_WIZARD_HOME: join(dir, 'home')};
	const out = join(dir, 'out');
	const result = await runCli(['run', 'generic', '--target', 'bundle', '--out', out, '--set', 'serverName=api.rotate.test', ...extra], {env});
	t.is(result.exitCode, 0, result.stdout + result.stderr);
	return {dir, env, out, controller: createController({env, cwd: dir})};
}

const fingerprint = async (file: string) => new X509Certificate(await readFile(file)).fingerprint256;

test('the real controller rotates a finished deployment to a new CA: every leaf from the new CA, the old CA untouched, and the rotation supersedes the deployment', async t => {
	const {out, controller} = await deployed(t);
	const oldCa = await fingerprint(join(out, 'certs', 'ca.crt'));
	const [deployment] = await controller.findDeployments();
	t.deepEqual(
		deployment?.actions.map(action => [action.id, action.verb, action.unavailable]),
		[
			['renew', 'renew', undefined],
			['renew-reuse-keys', 'renew', undefined],
			['rotate-ca', 'rotate', undefined],
			['rotate-ca-keep-old-ca', 'rotate', undefined],
		],
	);

	const review = await controller.reviewDeployment(deployment!.id, 'rotate-ca', {});
	t.is(review.headless.command, `mtls-wizard rotate-ca ${deployment!.id}`);
	t.regex(review.outDir, new RegExp(`^${out}/rotate-ca/\\d{8}T\\d{6}$`));
	const end = await runToEnd(async onEvent => controller.startRun('reviewed', onEvent));
	t.is(end.exitCode, 0);

	t.is(await fingerprint(join(out, 'certs', 'ca.crt')), oldCa, 'the old CA stays where it was');
	const summary = await controller.summary();
	const newCa = summary.certificates.find(certificate => /^ca/.test(certificate.file));
	t.truthy(newCa, summary.certificates.map(c => c.file).join(', '));
	t.not(newCa?.fingerprint, oldCa, 'a new CA');
	const certs = join(review.outDir, 'certs');
	for (const [leaf, purpose] of [['server', 'sslserver'], ['client', 'sslclient']] as const) {
		const underNew = await openssl(['verify', '-purpose', purpose, '-CAfile', join(certs, newCa!.file), join(certs, `${leaf}.crt`)]);
		t.is(underNew.code, 0, underNew.stdout + underNew.stderr);
		const underOld = await openssl(['verify', '-purpose', purpose, '-CAfile', join(out, 'certs', 'ca.crt'), join(certs, `${leaf}.crt`)]);
		t.not(underOld.code, 0, `${leaf}: not from the old CA`);
	}

	const listed = await controller.findDeployments();
	t.deepEqual(listed.map(found => found.id), [summary.sessionId], 'the rotation supersedes the deployment it rotated');
});

test('a rotation that kept the old CA is offered its last phase, and nothing else rotates it again first', async t => {
	const {controller} = await deployed(t);
	const [deployment] = await controller.findDeployments();
	await controller.reviewDeployment(deployment!.id, 'rotate-ca-keep-old-ca', {});
	const end = await runToEnd(async onEvent => controller.startRun('reviewed', onEvent));
	t.is(end.exitCode, 0);
	const [kept] = await controller.findDeployments();
	t.deepEqual(kept?.actions.map(action => action.id), ['renew', 'renew-reuse-keys', 'rotate-ca-drop-old-ca']);
	const review = await controller.reviewDeployment(kept!.id, 'rotate-ca-drop-old-ca', {});
	t.is(review.headless.command, `mtls-wizard rotate-ca ${kept!.id} --drop-old-ca`);
});

test('a renewal of a rotation that kept the old CA keeps both CAs trusted and is still offered the last phase, which ends with the new CA alone', async t => {
	const {controller} = await deployed(t);
	const [deployment] = await controller.findDeployments();
	await controller.reviewDeployment(deployment!.id, 'rotate-ca-keep-old-ca', {});
	t.is((await runToEnd(async onEvent => controller.startRun('reviewed', onEvent))).exitCode, 0);
	const [kept] = await controller.findDeployments();
	await controller.reviewDeployment(kept!.id, 'renew', {});
	const bothTrusted = /require client certificates signed by \S+\/ca-old-and-new\.crt/;
	t.is((await runToEnd(async onEvent => controller.startRun('reviewed', onEvent))).exitCode, 0);
	const summary = await controller.summary();
	t.regex(summary.manualSteps.flat().join('\n'), bothTrusted, 'the renewed deployment still trusts both CAs');

	const [renewed] = await controller.findDeployments();
	t.is(renewed?.id, summary.sessionId, 'the renewal supersedes the rotation');
	t.deepEqual(renewed?.actions.map(action => action.id), ['renew', 'renew-reuse-keys', 'rotate-ca-drop-old-ca']);
	await controller.reviewDeployment(renewed!.id, 'rotate-ca-drop-old-ca', {});
	t.is((await runToEnd(async onEvent => controller.startRun('reviewed', onEvent))).exitCode, 0);
	const dropped = await controller.summary();
	t.regex(dropped.manualSteps.flat().join('\n'), /require client certificates signed by \S+\/rotate-ca\/\w+\/certs\/ca\.crt/, 'phase 3: the new CA alone');
});

test('a deployment your own CA signed lists rotation as unavailable, with the reason rotate-ca gives', async t => {
	const first = await deployed(t);
	const {controller} = await deployed(t, ['--set', `caCert=${join(first.out, 'certs', 'ca.crt')}`, '--set', `caKey=${join(first.out, 'certs', 'ca.key')}`]);
	const [deployment] = await controller.findDeployments();
	const rotate = deployment?.actions.find(action => action.id === 'rotate-ca');
	t.regex(rotate?.unavailable ?? '', /your own CA \(caMode=own-ca\)/);
	t.is(deployment?.actions.find(action => action.id === 'renew')?.unavailable, undefined);
});
