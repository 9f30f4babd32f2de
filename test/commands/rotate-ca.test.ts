import {readdir, readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {opensslVerify} from '../pki/support/openssl.js';
import {runCli, type CliResult} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';
import {fingerprint, readSessions} from './support/session-files.js';
import {spawnCli} from './support/spawn-cli.js';

type Deployed = {cwd: string; env: NodeJS.ProcessEnv; out: string; id: string};

/** A finished deployment of the generic bundle (with `sets`), and its session id. */
async function deployed(t: Parameters<typeof tempDir>[0], sets: string[] = []): Promise<Deployed> {
	const cwd = await tempDir(t, 'mtls-rotate-');
	const env = {MTLS_WIZARD_HOME: join(cwd, 'home')};
	const result = await runCli(['run', 'generic', '--target', 'bundle', '--out', 'out', ...sets.flatMap(set => ['--set', set]), '--yes'], {cwd, env});
	if (result.exitCode !== 0) throw new Error(result.stderr);
	const [session] = await readSessions(env.MTLS_WIZARD_HOME);
	return {cwd, env, out: join(cwd, 'out'), id: session!.id};
}

/** Bad input: exit 2, one or two lines without a stack trace, and nothing written beside the deployment. */
async function refused(t: ExecutionContext, deployment: Deployed, args: string[], expected: RegExp, existing: string[] = []): Promise<CliResult> {
	const result = await runCli(['rotate-ca', ...args], {cwd: deployment.cwd, env: deployment.env});
	t.is(result.exitCode, 2, result.stderr);
	t.regex(result.stderr, expected);
	t.true(result.stderr.trim().split('\n').length <= 2, result.stderr);
	t.notRegex(result.stderr, /\n\s+at /, 'no stack trace');
	t.deepEqual((await readdir(deployment.out)).filter(name => name === 'rotate-ca'), existing, 'nothing was written');
	return result;
}

test('rotate-ca refuses an unknown session, naming the id and how to list them', async t => {
	const deployment = await deployed(t);
	await refused(t, deployment, ['20200101-000000-dead'], /session id: no saved session "20200101-000000-dead".*mtls-wizard sessions/);
});

test('rotate-ca refuses a session that has not finished, naming it and the resume command', async t => {
	const deployment = await deployed(t, ['caMode=csr']);
	await refused(t, deployment, [deployment.id], new RegExp(`session ${deployment.id}: its deployment has not finished.*mtls-wizard resume ${deployment.id}`));
});

test('--exclude-agent must name an agent of the session: the value, the session\'s agents, or that it has none', async t => {
	const fleet = await deployed(t, ['agents=edge-1,edge-2']);
	await refused(t, fleet, ['--exclude-agent', 'edge-9'], new RegExp(`--exclude-agent edge-9: not an agent of session ${fleet.id}\\. Its agents: edge-1, edge-2\\.`));
	await refused(t, fleet, ['--exclude-agent', 'edge-1', '--exclude-agent', 'edge-2'], /--exclude-agent: leaves out every agent of session .* \(edge-1, edge-2\)\. Keep at least one/);
	const single = await deployed(t);
	await refused(t, single, ['--exclude-agent', 'edge-1'], /--exclude-agent edge-1: session \S+ has no fleet of agents \(--set agents=\.\.\.\)/);
});

test('rotate-ca refuses a deployment made with your own CA: it issues the new CA itself', async t => {
	const first = await deployed(t);
	const own = await deployed(t, [`caCert=${join(first.out, 'certs', 'ca.crt')}`, `caKey=${join(first.out, 'certs', 'ca.key')}`]);
	await refused(t, own, [own.id], /its certificates come from your own CA \(caMode=own-ca\).*--set caCert=FILE --set caKey=FILE/);
});

test('rotate-ca moves a fleet to a new CA in the phases, leaves the old PKI untouched, and the excluded agent\'s certificate no longer chains', async t => {
	const deployment = await deployed(t, ['agents=edge-1,edge-2']);
	const oldDir = join(deployment.out, 'certs');
	const before = {ca: await readFile(join(oldDir, 'ca.crt'), 'utf8'), key: await readFile(join(oldDir, 'ca.key'), 'utf8')};

	const result = await runCli(['rotate-ca', '--exclude-agent', 'edge-2', '--yes', '--json'], {cwd: deployment.cwd, env: deployment.env});
	t.is(result.exitCode, 0, result.stderr);
	// Steps passed in order: done, or (the devices' manual steps) listed to do.
	const done = result.stdout.trim().split('\n').map(line => JSON.parse(line) as {type: string; stepId?: string}).filter(event => event.type === 'step-done' || event.type === 'step-to-do').map(event => event.stepId);
	t.is(done[0], 'issue-new-ca');
	t.true(done.includes('trust-both-fleet-devices'), done.join(', '));
	t.true(done.indexOf('trust-both-fleet-devices') < done.indexOf('reissue-certificates'), 'the devices are told to trust both CAs before any leaf moves');
	t.true(done.indexOf('reissue-certificates') < done.indexOf('reissue-verify-handshake'));
	t.is(done.at(-1), 'drop-old-ca-fleet-devices');

	const [version] = await readdir(join(deployment.out, 'rotate-ca'));
	const newDir = join(deployment.out, 'rotate-ca', version!);
	t.is(await readFile(join(oldDir, 'ca.crt'), 'utf8'), before.ca, 'the old CA stays as it was');
	t.is(await readFile(join(oldDir, 'ca.key'), 'utf8'), before.key, 'and so does its key');
	const newCa = join(newDir, 'certs', 'ca.crt');
	t.not(await fingerprint(newCa), await fingerprint(join(oldDir, 'ca.crt')));
	const bundle = await readFile(join(newDir, 'certs', 'ca-old-and-new.crt'), 'utf8');
	t.is(bundle, `${before.ca.trim()}\n${(await readFile(newCa, 'utf8')).trim()}\n`, 'the trust bundle: the old CA, then the new one');

	t.true((await opensslVerify(newCa, join(newDir, 'agents', 'edge-1', 'client.crt'), ['-purpose', 'sslclient'])).ok, 'edge-1 has a certificate from the new CA');
	t.false((await readdir(join(newDir, 'agents'))).includes('edge-2'), 'edge-2 gets nothing from the new CA');
	const lost = await opensslVerify(newCa, join(deployment.out, 'agents', 'edge-2', 'client.crt'), ['-purpose', 'sslclient']);
	t.false(lost.ok, 'the excluded agent\'s old certificate does not chain to the new CA');
	t.regex(lost.output, /unable to get local issuer certificate/);
	t.true((await opensslVerify(join(newDir, 'certs', 'ca-old-and-new.crt'), join(deployment.out, 'agents', 'edge-2', 'client.crt'), ['-purpose', 'sslclient'])).ok, 'while both CAs were trusted it still did');

	const sessions = await readSessions(deployment.env.MTLS_WIZARD_HOME!);
	const rotation = sessions.find(session => session.rotation);
	t.deepEqual(rotation?.rotation, {of: deployment.id, from: deployment.out, version: version!, excludeAgents: ['edge-2'], stage: 'all'});
	t.is(rotation?.outDir, newDir);
	t.is(rotation?.answers['agents'], 'edge-1');

	const again = await runCli(['rotate-ca', '--dry-run'], {cwd: deployment.cwd, env: deployment.env});
	t.is(again.exitCode, 0, again.stderr);
	t.false(again.stdout.includes('edge-2'), 'rotating the rotated deployment again never brings the excluded agent back');
});

test('a rotation killed in phase 2 resumes with the same new CA and directory, and ends done', async t => {
	const deployment = await deployed(t);
	const cli = spawnCli(['rotate-ca', '--yes'], {...deployment.env, MTLS_WIZARD_TEST_PAUSE_BEFORE: 'reissue-certificates'}, deployment.cwd);
	await cli.waitForLine(/test pause before step reissue-certificates/);
	cli.child.kill('SIGKILL');
	await cli.exited;
	const [version] = await readdir(join(deployment.out, 'rotate-ca'));
	const newCa = join(deployment.out, 'rotate-ca', version!, 'certs', 'ca.crt');
	const issued = await fingerprint(newCa);

	const resumed = await runCli(['resume'], {cwd: deployment.cwd, env: deployment.env});
	t.is(resumed.exitCode, 0, resumed.stderr);
	t.deepEqual(await readdir(join(deployment.out, 'rotate-ca')), [version], 'no second rotation directory');
	t.is(await fingerprint(newCa), issued, 'the new CA of phase 1 is kept');
	t.true((await opensslVerify(newCa, join(deployment.out, 'rotate-ca', version!, 'certs', 'server.crt'), ['-purpose', 'sslserver'])).ok);
	const rotation = (await readSessions(deployment.env.MTLS_WIZARD_HOME!)).find(session => session.rotation);
	t.is(rotation?.outcome, 'done');
});

test('--keep-old-ca stops with both CAs trusted; --drop-old-ca finishes that rotation in the same directory with the same certificates, and refuses anything else', async t => {
	const deployment = await deployed(t, ['agents=edge-1,edge-2']);
	const kept = await runCli(['rotate-ca', '--keep-old-ca', '--exclude-agent', 'edge-2', '--yes'], {cwd: deployment.cwd, env: deployment.env});
	t.is(kept.exitCode, 0, kept.stderr);
	t.regex(kept.stdout, /mtls-wizard rotate-ca --drop-old-ca/);
	const [version] = await readdir(join(deployment.out, 'rotate-ca'));
	const newDir = join(deployment.out, 'rotate-ca', version!);
	const issued = await fingerprint(join(newDir, 'agents', 'edge-1', 'client.crt'));
	const keepSession = (await readSessions(deployment.env.MTLS_WIZARD_HOME!)).find(session => session.rotation?.stage === 'keep-old-ca');

	await refused(t, deployment, [deployment.id, '--drop-old-ca'], new RegExp(`--drop-old-ca: session ${deployment.id} is not a rotation that kept the old CA`), ['rotate-ca']);
	await refused(t, deployment, ['--drop-old-ca', '--exclude-agent', 'edge-1'], /--exclude-agent edge-1: not with --drop-old-ca; the agents were left out in phase 2 \(edge-2\)/, ['rotate-ca']);
	// Its phases would take the deployed trust to be one CA and drop the old one unannounced.
	for (const stage of [[], ['--keep-old-ca']]) {
		await refused(t, deployment, [keepSession!.id, ...stage], new RegExp(`session ${keepSession!.id}: its deployment still trusts both the old and the new CA .*mtls-wizard rotate-ca ${keepSession!.id} --drop-old-ca`), ['rotate-ca']);
	}


	const dropped = await runCli(['rotate-ca', '--drop-old-ca', '--yes', '--json'], {cwd: deployment.cwd, env: deployment.env});
	t.is(dropped.exitCode, 0, dropped.stderr);
	const done = dropped.stdout.trim().split('\n').map(line => JSON.parse(line) as {type: string; stepId?: string}).filter(event => event.type === 'step-done' || event.type === 'step-to-do').map(event => event.stepId);
	t.deepEqual(done.slice(0, 2), ['drop-old-ca-certificates', 'drop-old-ca-verify-handshake']);
	t.true(done.includes('drop-old-ca-fleet-devices'));
	t.deepEqual(await readdir(join(deployment.out, 'rotate-ca')), [version], 'the same rotation directory');
	t.is(await fingerprint(join(newDir, 'agents', 'edge-1', 'client.crt')), issued, 'phase 2\'s certificates are kept');
	const finished = (await readSessions(deployment.env.MTLS_WIZARD_HOME!)).find(session => session.rotation?.stage === 'drop-old-ca');
	t.like(finished?.rotation, {of: keepSession!.id, from: deployment.out, version: version!, excludeAgents: ['edge-2']});
});
