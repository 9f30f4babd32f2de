import {X509Certificate} from 'node:crypto';
import {mkdir, readFile, rm, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {issuePki, writeAll} from '../pki/support/fixtures.js';
import {runCli} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';
import {spawnCli} from './support/spawn-cli.js';
import {fileModes, fingerprint, readSessions, sessionTexts} from './support/session-files.js';

const pauseMarker = /test pause before step verify-handshake/;

async function mkdirIn(dir: string, name: string): Promise<string> {
	await mkdir(join(dir, name));
	return join(dir, name);
}

async function workspace(t: ExecutionContext): Promise<{dir: string; env: NodeJS.ProcessEnv}> {
	const dir = await tempDir(t, 'mtls-resume-');
	return {dir, env: {MTLS_WIZARD_HOME: join(dir, 'home')}};
}

/** Starts a run that pauses (test-only hook) once the certificates are issued, and kills it there with `signal`. */
async function interruptedRun(args: string[], env: NodeJS.ProcessEnv, signal: NodeJS.Signals) {
	const cli = spawnCli(args, {...env, MTLS_WIZARD_TEST_PAUSE_BEFORE: 'verify-handshake'});
	await cli.waitForLine(pauseMarker);
	cli.child.kill(signal);
	return cli.exited;
}

test('killed with SIGKILL in the middle, resume finishes the run like an uninterrupted one', async t => {
	const {dir, env} = await workspace(t);
	const reference = await runCli(['run', 'generic', '--target', 'bundle', '--out', join(dir, 'reference'), '--set', 'clientCn=agent-7'], {env});
	t.is(reference.exitCode, 0, reference.stderr);

	const out = join(dir, 'out');
	await interruptedRun(['run', 'generic', '--target', 'bundle', '--out', out, '--set', 'clientCn=agent-7'], env, 'SIGKILL');
	const caBefore = await fingerprint(join(out, 'certs', 'ca.crt'));
	const killed = (await readSessions(env['MTLS_WIZARD_HOME']!)).find(session => session.outDir === out);
	t.is(killed?.steps['certificates']?.state, 'done');
	t.is(killed?.steps['verify-handshake']?.state, 'running');

	const listed = await runCli(['sessions'], {env});
	t.regex(listed.stdout, new RegExp(`${killed!.id}\\s+generic\\s+bundle\\s+1/3\\s+interrupted`));

	const resumed = await runCli(['resume'], {env});
	t.is(resumed.exitCode, 0, resumed.stdout + resumed.stderr);
	t.regex(resumed.stdout, new RegExp(`session ${killed!.id}, resuming at step 2`));
	t.regex(resumed.stdout, /\[1\/3\] certificates {2}.* \.\.\. skipped \(done in session/);
	t.regex(resumed.stdout, /\[2\/3\] verify-handshake {2}.*\n(?: {6}.*\n)* {6}done/);

	// Same CA as before the kill: nothing was issued twice. No answer was lost: the client certificate still names agent-7.
	t.is(await fingerprint(join(out, 'certs', 'ca.crt')), caBefore);
	t.regex(new X509Certificate(await readFile(join(out, 'certs', 'client.crt'))).subject, /CN=agent-7/);
	t.deepEqual(await fileModes(join(out, 'certs')), await fileModes(join(dir, 'reference', 'certs')));
	const finished = (await readSessions(env['MTLS_WIZARD_HOME']!)).find(session => session.id === killed!.id);
	t.is(finished?.outcome, 'done');
	t.is(finished?.answers['clientCn'], 'agent-7');
	t.deepEqual(Object.fromEntries(finished!.stepOrder.map(id => [id, finished!.steps[id]?.state])), {certificates: 'done', 'verify-handshake': 'done', 'use-bundle': 'to-do'});
	for (const text of await sessionTexts(env['MTLS_WIZARD_HOME']!)) t.false(text.includes('-----BEGIN'));

	const again = await runCli(['resume'], {env});
	t.is(again.exitCode, 2);
	t.regex(again.stderr, /no unfinished session to resume/);
});

test('Ctrl-C stops the run with exit 130, saves, prints the resume command, and resume continues', async t => {
	const {dir, env} = await workspace(t);
	const end = await interruptedRun(['run', 'generic', '--target', 'bundle', '--out', join(dir, 'out')], env, 'SIGINT');
	t.is(end.exitCode, 130, end.stderr);
	const [session] = await readSessions(env['MTLS_WIZARD_HOME']!);
	t.regex(end.stdout, new RegExp(`Interrupted; progress is saved\\. Continue with: mtls-wizard resume ${session!.id}\\n$`));
	t.is(session?.outcome, 'interrupted');
	t.is(session?.steps['verify-handshake']?.state, 'pending');

	const resumed = await runCli(['resume', session!.id, '--json'], {env});
	t.is(resumed.exitCode, 0, resumed.stderr);
	const events = resumed.stdout.trimEnd().split('\n').map(line => JSON.parse(line) as {type: string; stepId?: string});
	t.deepEqual(
		events.filter(event => event.type !== 'step-output').map(event => `${event.type}${event.stepId ? ` ${event.stepId}` : ''}`),
		['run-started', 'step-skipped certificates', 'step-started verify-handshake', 'step-done verify-handshake', 'step-started use-bundle', 'step-to-do use-bundle', 'run-finished'],
	);
});

test('SIGTERM stops the run like Ctrl-C: exit 130 and the step pending again', async t => {
	const {dir, env} = await workspace(t);
	const end = await interruptedRun(['run', 'generic', '--target', 'bundle', '--out', join(dir, 'out'), '--json'], env, 'SIGTERM');
	t.is(end.exitCode, 130, end.stderr);
	const last = JSON.parse(end.stdout.trimEnd().split('\n').at(-1)!) as {type: string; exitCode: number};
	t.like(last, {type: 'run-finished', exitCode: 130});
	const [session] = await readSessions(env['MTLS_WIZARD_HOME']!);
	t.is(session?.steps['verify-handshake']?.state, 'pending');
});

test('a session whose recipe changed since it was saved is refused, naming the recipe file', async t => {
	const {dir, env} = await workspace(t);
	await interruptedRun(['run', 'generic', '--target', 'bundle', '--out', join(dir, 'out')], env, 'SIGKILL');
	const [session] = await readSessions(env['MTLS_WIZARD_HOME']!);
	const path = join(env['MTLS_WIZARD_HOME']!, 'sessions', `${session!.id}.json`);
	// As if saved under an earlier version of recipes/generic.yaml.
	await writeFile(path, JSON.stringify({...session, recipeDigest: '0'.repeat(64)}));
	const before = await readFile(path, 'utf8');

	const resumed = await runCli(['resume', session!.id], {env});
	t.is(resumed.exitCode, 2);
	t.regex(resumed.stderr, /the recipe file \S*recipes\/generic\.yaml has changed since this session was saved/);
	t.regex(resumed.stderr, /Start anew with: mtls-wizard run generic --target bundle/);
	t.is(resumed.stdout, '');
	t.is(await readFile(path, 'utf8'), before);
});

test('secret answers are never saved: resume asks for them again and names the variable', async t => {
	const {dir, env} = await workspace(t);
	const passphrase = 'resume-passphrase-42';
	const out = join(dir, 'out');
	await interruptedRun(['run', 'steadybit', '--target', 'bundle', '--out', out], {...env, MTLS_WIZARD_ANSWER_AGENT_KEY_PASSPHRASE: passphrase}, 'SIGKILL');
	const [session] = await readSessions(env['MTLS_WIZARD_HOME']!);
	t.deepEqual(session?.secretAnswers, ['agentKeyPassphrase']);

	const withoutSecret = await runCli(['resume'], {env});
	t.is(withoutSecret.exitCode, 2);
	t.regex(withoutSecret.stderr, /MTLS_WIZARD_ANSWER_AGENT_KEY_PASSPHRASE/);

	const answers = join(dir, 'answers.yaml');
	await writeFile(answers, `agentKeyPassphrase: ${passphrase}\n`, {mode: 0o600});
	const resumed = await runCli(['resume', '--answers', answers], {env});
	t.is(resumed.exitCode, 0, resumed.stdout + resumed.stderr);
	for (const text of await sessionTexts(env['MTLS_WIZARD_HOME']!)) {
		t.false(text.includes(passphrase));
		t.false(text.includes('-----BEGIN'));
	}
});

test('an unknown session id is bad input (exit 2)', async t => {
	const {env} = await workspace(t);
	const resumed = await runCli(['resume', 'no-such-session'], {env});
	t.is(resumed.exitCode, 2);
	t.regex(resumed.stderr, /no saved session "no-such-session" .* List them with: mtls-wizard sessions/);
});

test('resuming a session another process is running right now is bad input naming the pid and the way out', async t => {
	const {dir, env} = await workspace(t);
	const cli = spawnCli(['run', 'generic', '--target', 'bundle', '--out', join(dir, 'out')], {...env, MTLS_WIZARD_TEST_PAUSE_BEFORE: 'verify-handshake'});
	t.teardown(() => cli.child.kill('SIGKILL'));
	await cli.waitForLine(pauseMarker);
	const [running] = await readSessions(env['MTLS_WIZARD_HOME']!);
	const resumed = await runCli(['resume', running!.id], {env});
	t.is(resumed.exitCode, 2);
	t.is(
		resumed.stderr,
		`mtls-wizard: session ${running!.id}: another mtls-wizard process (pid ${cli.child.pid}) is running it right now. Let it finish, or stop it (Ctrl-C saves its progress) and resume again.\n`,
	);
	cli.child.kill('SIGINT');
	t.is((await cli.exited).exitCode, 130);
});

test('a saved answer that no longer holds (your CA moved away) is named with the way out; resume --set replaces it and redoes the steps it shaped', async t => {
	const {dir, env} = await workspace(t);
	const pki = await issuePki();
	const first = await writeAll(await mkdirIn(dir, 'first-ca'), {'ca.crt': pki.ca.certificatePem, 'ca.key': pki.ca.privateKeyPem});
	const out = join(dir, 'out');
	await interruptedRun(['run', 'generic', '--target', 'bundle', '--out', out, '--set', 'days=10', '--set', `caCert=${first['ca.crt']!}`, '--set', `caKey=${first['ca.key']!}`], env, 'SIGINT');
	const moved = await writeAll(await mkdirIn(dir, 'moved-ca'), {'ca.crt': pki.ca.certificatePem, 'ca.key': pki.ca.privateKeyPem});
	await rm(join(dir, 'first-ca'), {recursive: true});
	const [saved] = await readSessions(env['MTLS_WIZARD_HOME']!);

	const stuck = await runCli(['resume'], {env});
	t.is(stuck.exitCode, 2, stuck.stderr);
	t.regex(stuck.stderr, new RegExp(`^mtls-wizard: session ${saved!.id}: caCert: ".*first-ca/ca\\.crt" does not exist\\. .*Replace the saved answer: mtls-wizard resume ${saved!.id} --set caCert=VALUE`));
	t.is(stuck.stderr.trimEnd().split('\n').length, 1);

	const resumed = await runCli(['resume', '--set', `caCert=${moved['ca.crt']!}`, '--set', `caKey=${moved['ca.key']!}`], {env});
	t.is(resumed.exitCode, 0, resumed.stdout + resumed.stderr);
	t.notRegex(resumed.stdout, /\[1\/3\] certificates .*skipped/, 'the certificates step names the CA files, so it runs again');
	t.regex(resumed.stdout, /using your CA .*moved-ca\/ca\.crt/);
	const finished = (await readSessions(env['MTLS_WIZARD_HOME']!)).find(session => session.id === saved!.id);
	t.is(finished?.answers['caCert'], moved['ca.crt']);
	t.is(finished?.outcome, 'done');
});
