import {createPrivateKey, X509Certificate} from 'node:crypto';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {createController} from '../../source/wizard/create-controller.js';
import {requested, signedDir} from '../commands/support/csr-session.js';
import {openssl} from '../pki/support/openssl.js';
import {runCli} from '../support/run-cli.js';
import {runToEnd} from './support/run-to-end.js';

const leaves = ['server', 'client'] as const;

test('the real controller lists a finished bundle deployment with its first expiry, reviews its renewal and runs it: new leaves from the same CA', async t => {
	const dir = await mkdtemp(join(tmpdir(), 'mtls-wizard-controller-renew-'));
	t.teardown(async () => rm(dir, {recursive: true, force: true}));
	const env = {PATH: process.env['PATH'], MTLS_WIZARD_HOME: join(dir, 'home')};
	const out = join(dir, 'out');
	const certs = join(out, 'certs');
	const deployed = await runCli(['run', 'generic', '--target', 'bundle', '--out', out, '--set', 'serverName=api.renew.test'], {env});
	t.is(deployed.exitCode, 0, deployed.stdout + deployed.stderr);
	const fingerprints = async () => Object.fromEntries(await Promise.all(['ca', ...leaves].map(async name => [name, new X509Certificate(await readFile(join(certs, `${name}.crt`))).fingerprint256] as const)));
	const before = await fingerprints();

	const controller = createController({env, cwd: dir});
	const [deployment, ...others] = await controller.findDeployments();
	t.deepEqual(others, []);
	t.is(deployment?.recipe, 'generic');
	t.is(deployment?.target, 'bundle');
	// The leaves live 825 days, the CA 3650: a leaf expires first.
	t.regex(deployment?.firstExpiry?.file ?? '', /^(server|client)\.crt$/);
	t.true([823, 824].includes(deployment?.firstExpiry?.daysLeft ?? 0), `days left: ${deployment?.firstExpiry?.daysLeft}`);
	t.deepEqual(deployment?.actions.map(action => action.id), ['renew', 'renew-reuse-keys', 'rotate-ca', 'rotate-ca-keep-old-ca']);

	t.regex((await controller.validateAnswer('generic', 'bundle', 'caKeyPassphrase', '', {}, deployment!.id)) ?? '', /never saved: give it again/, 'a secret answer the deployment needs has no default');
	const review = await controller.reviewDeployment(deployment!.id, 'renew', {});
	t.is(review.headless.command, `mtls-wizard renew ${deployment!.id}`);
	t.is(review.steps[0]?.id, 'renew-certificates');
	t.is(review.outDir, out);

	const end = await runToEnd(async onEvent => controller.startRun('reviewed', onEvent));
	t.is(end.exitCode, 0);

	const after = await fingerprints();
	t.is(after['ca'], before['ca'], 'the same CA');
	for (const leaf of leaves) {
		t.not(after[leaf], before[leaf], `${leaf}: a new certificate`);
		const issued = new X509Certificate(await readFile(join(certs, `${leaf}.crt`)));
		t.true(issued.checkIssued(new X509Certificate(await readFile(join(certs, 'ca.crt')))), `${leaf}: issued by the deployment's CA`);
		const verified = await openssl(['verify', '-purpose', leaf === 'server' ? 'sslserver' : 'sslclient', '-CAfile', join(certs, 'ca.crt'), join(certs, `${leaf}.crt`)]);
		t.is(verified.code, 0, verified.stdout + verified.stderr);
	}

	const summary = await controller.summary();
	t.not(summary.sessionId, deployment!.id, 'the renewal is a session of its own');
	t.deepEqual(summary.certificates.map(c => c.fingerprint).sort(), Object.values(after).sort());
	t.is(summary.headless.command, `mtls-wizard renew ${deployment!.id}`);

	// The renewal supersedes what it renewed: one deployment, the renewal's.
	const listed = await controller.findDeployments();
	t.deepEqual(listed.map(found => found.id), [summary.sessionId]);
});

test('the real controller renews a caMode=csr deployment: the run stops for the PKI, and resuming the renewal with the signed directory finishes it', async t => {
	const r = await requested(t);
	const first = await runCli(['resume', r.session.id, '--signed', await signedDir(r, 'signed-first')], {env: r.env});
	t.is(first.exitCode, 0, first.stdout + first.stderr);
	const keyBefore = await readFile(join(r.certs, 'server.key'), 'utf8');
	const controller = createController({env: {PATH: process.env['PATH'], ...r.env}, cwd: r.dir});
	const [deployment] = await controller.findDeployments();
	await controller.reviewDeployment(deployment!.id, 'renew', {});
	const stopped = await runToEnd(async onEvent => controller.startRun('reviewed', onEvent));
	t.is(stopped.exitCode, 0);
	t.is(stopped.awaitingSignature?.stepId, 'renew-certificates');
	t.not(await readFile(join(r.certs, 'server.key'), 'utf8'), keyBefore, 'new keys were requested');

	// The wizard started again: the renewal waits, and resuming it asks for the signed directory.
	const [waiting, ...others] = await createController({env: {PATH: process.env['PATH'], ...r.env}, cwd: r.dir}).findResumable();
	t.deepEqual(others, []);
	t.is(waiting?.id, stopped.sessionId);
	t.deepEqual(waiting?.resumeQuestions.map(question => question.id), ['signedDir']);
	const resuming = createController({env: {PATH: process.env['PATH'], ...r.env}, cwd: r.dir});
	await resuming.findResumable();
	t.regex((await resuming.validateAnswer('generic', 'bundle', 'signedDir', join(r.dir, 'signed-first'), {}, waiting!.id)) ?? '', /does not hold the public key of its request/);
	const signed = await signedDir(r, 'signed-renewal');
	t.is(await resuming.validateAnswer('generic', 'bundle', 'signedDir', signed, {}, waiting!.id), undefined);
	const done = await runToEnd(async onEvent => resuming.startRun({sessionId: waiting!.id, secrets: {signedDir: signed}}, onEvent));
	t.is(done.exitCode, 0);
	t.is(done.awaitingSignature, undefined);
	const verified = await openssl(['verify', '-purpose', 'sslserver', '-CAfile', r.root.certPath, '-untrusted', join(r.certs, 'server.crt'), join(r.certs, 'server.crt')]);
	t.is(verified.code, 0, verified.stdout + verified.stderr);
	t.true(new X509Certificate(await readFile(join(r.certs, 'server.crt'))).checkPrivateKey(createPrivateKey(await readFile(join(r.certs, 'server.key')))));
	t.is((await resuming.summary()).headless.command, `mtls-wizard renew ${deployment!.id}`);
});
