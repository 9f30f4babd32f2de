import {X509Certificate} from 'node:crypto';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import type {EngineEvent} from '../../source/engine-events.js';
import {createController} from '../../source/wizard/create-controller.js';
import {openssl} from '../pki/support/openssl.js';
import {runCli} from '../support/run-cli.js';

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
	t.deepEqual(deployment?.actions.map(action => action.id), ['renew', 'renew-reuse-keys']);

	const review = await controller.reviewDeployment(deployment!.id, 'renew', {});
	t.is(review.headless.command, `mtls-wizard renew ${deployment!.id}`);
	t.is(review.steps[0]?.id, 'renew-certificates');
	t.is(review.outDir, out);

	const events: EngineEvent[] = [];
	const finished = new Promise<EngineEvent>(resolve => {
		void controller.startRun('reviewed', event => {
			events.push(event);
			if (event.type === 'run-finished') resolve(event);
		});
	});
	const end = await finished;
	t.is(end.type === 'run-finished' ? end.exitCode : undefined, 0, JSON.stringify(events, null, 1));

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
