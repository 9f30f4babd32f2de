import {spawn} from 'node:child_process';
import {readdir, readFile, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test, {type ExecutionContext} from 'ava';
import type {Plan} from '../../source/plan/types.js';
import {sessionsDir} from '../../source/session/paths.js';
import {
	effectiveOutcome,
	isFinished,
	listSessions,
	loadSession,
	newSessionId,
	progressOf,
	saveSession,
	sessionFromPlan,
	sessionPath,
} from '../../source/session/session-store.js';
import {tempDir} from '../support/temp-dir.js';

const plan: Plan = {
	recipe: 'generic',
	recipeDigest: 'f'.repeat(64),
	target: 'bundle',
	answers: {serverName: 'server.local', days: 825},
	secretAnswers: ['keyPassphrase'],
	outDir: '/tmp/out',
	steps: [
		{id: 'issue', title: 'Issue', kind: 'manual', instructions: []},
		{id: 'verify', title: 'Verify', kind: 'manual', instructions: []},
	],
};

async function home(t: ExecutionContext): Promise<NodeJS.ProcessEnv> {
	return {MTLS_WIZARD_HOME: await tempDir(t, 'mtls-session-')};
}

test('sessions live under MTLS_WIZARD_HOME, else the XDG state directory', t => {
	t.is(sessionsDir({MTLS_WIZARD_HOME: '/srv/wizard'}), '/srv/wizard/sessions');
	t.is(sessionsDir({XDG_STATE_HOME: '/home/u/.state'}), '/home/u/.state/mtls-wizard/sessions');
});

test('a saved session reads back the same, 0600 in a 0700 directory, with no temporary file left', async t => {
	const env = await home(t);
	const session = sessionFromPlan(plan, newSessionId());
	await saveSession(session, {env, secrets: {}});
	const path = sessionPath(env, session.id);
	t.is((await stat(path)).mode & 0o777, 0o600);
	t.is((await stat(sessionsDir(env))).mode & 0o777, 0o700);
	t.deepEqual(await readdir(sessionsDir(env)), [`${session.id}.json`]);
	const loaded = await loadSession(env, session.id);
	t.deepEqual(loaded, session);
	t.deepEqual(loaded.answers, {serverName: 'server.local', days: 825});
	t.deepEqual(loaded.secretAnswers, ['keyPassphrase']);
	t.deepEqual(progressOf(loaded), {done: 0, toDo: 0, total: 2});
	t.false(isFinished(loaded));
});

test('secret values and PEM blocks never reach the session file', async t => {
	const env = await home(t);
	const session = sessionFromPlan(plan, newSessionId());
	const passphrase = 'correct horse battery staple';
	const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
	const encoded = Buffer.from(passphrase).toString('base64');
	session.steps['issue'] = {title: 'Issue', state: 'failed', error: `could not decrypt with ${passphrase}: ${pem}`, detail: `base64 ${encoded}`};
	await saveSession(session, {env, secrets: {keyPassphrase: passphrase}});
	const text = await readFile(sessionPath(env, session.id), 'utf8');
	t.false(text.includes(passphrase));
	t.false(text.includes(encoded), 'the base64 form (as in a Kubernetes Secret manifest) is removed too');
	t.false(text.includes('BEGIN PRIVATE KEY'));
	t.false(text.includes('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'));
	t.regex(text, /could not decrypt with <redacted>: \[PEM block removed\]/);
});

test('a killed writer leaves the old session or the new one, never a partial file', async t => {
	const env = await home(t);
	const session = sessionFromPlan(plan, newSessionId());
	await saveSession(session, {env, secrets: {}});
	const writer = fileURLToPath(new URL('support/save-forever.ts', import.meta.url));
	const child = spawn(process.execPath, ['--import=tsx', writer, session.id], {env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'inherit']});
	// Kill it once it has saved a few times, i.e. in the middle of its write loop.
	await new Promise<void>(resolve => {
		let output = '';
		child.stdout.on('data', chunk => {
			output += String(chunk);
			if (output.split('\n').length > 20) resolve();
		});
	});
	child.kill('SIGKILL');
	await new Promise(resolve => child.once('exit', resolve));

	const loaded = await loadSession(env, session.id);
	t.is(loaded.id, session.id);
	t.regex(loaded.steps['issue']?.detail ?? '', /^save \d+$/);
	// Only the session itself counts; a temporary file the kill left behind is not listed as a session.
	const {sessions, unreadable} = await listSessions(env);
	t.deepEqual(sessions.map(s => s.id), [session.id]);
	t.deepEqual(unreadable, []);
	for (const name of await readdir(sessionsDir(env))) t.true(name === `${session.id}.json` || name.startsWith('.'), name);
});

test('a damaged session file is named, not fatal for the list', async t => {
	const env = await home(t);
	const good = sessionFromPlan(plan, newSessionId());
	await saveSession(good, {env, secrets: {}});
	await writeFile(join(sessionsDir(env), 'broken.json'), '{"version": 1, "id": "bro');
	const {sessions, unreadable} = await listSessions(env);
	t.deepEqual(sessions.map(s => s.id), [good.id]);
	t.deepEqual(unreadable, [join(sessionsDir(env), 'broken.json')]);
	const error = await t.throwsAsync(loadSession(env, 'broken'));
	t.regex(error.message, /broken\.json is damaged and cannot be resumed/);
	const missing = await t.throwsAsync(loadSession(env, 'nope'));
	t.regex(missing.message, /no saved session "nope"/);
	t.is((missing as {exitCode?: number}).exitCode, 2);
	await t.throwsAsync(loadSession(env, '../etc/passwd'), {message: /is not a session id/});
});

test('a session left running by a process that is gone counts as interrupted', t => {
	const session = sessionFromPlan(plan, newSessionId());
	t.is(effectiveOutcome(session), 'running');
	session.pid = 2 ** 22 + 12_345;
	t.is(effectiveOutcome(session), 'interrupted');
});

test('sessions are listed most recently updated first', async t => {
	const env = await home(t);
	const older = sessionFromPlan(plan, newSessionId());
	await saveSession(older, {env, secrets: {}});
	const newer = sessionFromPlan(plan, newSessionId());
	await new Promise(resolve => setTimeout(resolve, 5));
	await saveSession(newer, {env, secrets: {}});
	t.deepEqual((await listSessions(env)).sessions.map(s => s.id), [newer.id, older.id]);
});

test('a session file written before sessions had a digest salt, a signed-certificates directory or to-do steps still loads', async t => {
	const env = await home(t);
	// Exactly the fields the session file had until then: a finished bundle run whose manual step was recorded done.
	const older = {
		version: 1,
		id: '20261201-120000-0a0a',
		recipe: 'generic',
		recipeDigest: 'f'.repeat(64),
		target: 'bundle',
		answers: {serverName: 'server.local'},
		secretAnswers: [],
		outDir: '/tmp/out',
		stepOrder: ['certificates', 'use-bundle'],
		steps: {
			certificates: {title: 'Issue', state: 'done', finishedAt: '2026-12-01T12:00:01.000Z', inputs: 'a'.repeat(64), files: ['/tmp/out/certs/ca.crt']},
			'use-bundle': {title: 'Install', state: 'done', finishedAt: '2026-12-01T12:00:02.000Z', detail: 'to do by hand: install'},
		},
		outcome: 'done',
		createdAt: '2026-12-01T12:00:00.000Z',
		updatedAt: '2026-12-01T12:00:02.000Z',
	};
	await saveSession(sessionFromPlan(plan, newSessionId()), {env, secrets: {}});
	await writeFile(sessionPath(env, older.id), JSON.stringify(older), {mode: 0o600});
	const loaded = await loadSession(env, older.id);
	t.is(loaded.digestSalt, undefined);
	t.true(isFinished(loaded));
	t.deepEqual(progressOf(loaded), {done: 2, toDo: 0, total: 2}, 'what it recorded as done is read as it was saved');
	const {sessions, unreadable} = await listSessions(env);
	t.deepEqual(unreadable, []);
	t.true(sessions.some(session => session.id === older.id));
});

test('a new session gets a random digest salt of its own', t => {
	const one = sessionFromPlan(plan, newSessionId());
	const two = sessionFromPlan(plan, newSessionId());
	t.regex(one.digestSalt ?? '', /^[\da-f]{32}$/);
	t.not(one.digestSalt, two.digestSalt);
});
