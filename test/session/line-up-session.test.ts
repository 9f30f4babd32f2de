import test from 'ava';
import {secretMarks, stepDigest} from '../../source/plan/step-digest.js';
import type {Plan} from '../../source/plan/types.js';
import {lineUpSession} from '../../source/session/line-up-session.js';
import {sessionFromPlan} from '../../source/session/session-store.js';
import type {Session} from '../../source/session/types.js';
import {planFor} from '../plan/plan-for.js';

/**
 * A session of `plan` whose first `done` steps finished (as the engine records them, with these secret answers) and
 * whose next one failed. `madeBeforeScrypt`: a session made when marks were an HMAC (no marksKdf).
 */
async function failedAt(plan: Plan, done: number, secrets: Record<string, string> = {}, madeBeforeScrypt = false): Promise<Session> {
	const session = sessionFromPlan(plan, '20261202-000000-abcd');
	if (madeBeforeScrypt) delete session.marksKdf;
	const marks = await secretMarks(session.digestSalt, secrets, session.marksKdf);
	for (const [index, step] of plan.steps.entries()) {
		if (index < done) session.steps[step.id] = {title: step.title, state: 'done', detail: 'ok', inputs: stepDigest(step, marks), files: [`/srv/${step.id}`]};
		else if (index === done) session.steps[step.id] = {title: step.title, state: 'failed', error: 'connection refused'};
	}

	session.outcome = 'failed';
	return session;
}

const states = (session: Session) => Object.fromEntries(session.stepOrder.map(id => [id, session.steps[id]!.state]));

test('a changed namespace keeps the certificates and the handshake and redoes the secrets; the session takes the new answers', async t => {
	const before = await planFor('generic', 'kubectl', []);
	const session = await failedAt(before, 3);
	const after = await planFor('generic', 'kubectl', ['namespace=team-a']);
	t.deepEqual(after.steps.map(step => step.id), ['certificates', 'verify-handshake', 'secret-server', 'secret-client', 'mount-secrets']);
	const lined = await lineUpSession(session, after, {});
	// secret-server was done in namespace default; secret-client failed and runs anyway.
	t.deepEqual(states(lined), {certificates: 'done', 'verify-handshake': 'done', 'secret-server': 'pending', 'secret-client': 'failed', 'mount-secrets': 'pending'});
	t.is(lined.steps['certificates']!.detail, 'ok', 'a kept step keeps what it recorded');
	t.is(lined.answers['namespace'], 'team-a');
});

test('a changed server name redoes the certificates and, since later steps use what they issue, every step after them', async t => {
	const before = await planFor('generic', 'kubectl', []);
	const after = await planFor('generic', 'kubectl', ['serverName=api.example.test']);
	const lined = await lineUpSession(await failedAt(before, 3), after, {});
	for (const id of lined.stepOrder) t.not(lined.steps[id]!.state, 'done', `${id} runs again`);
});

test('the same plan keeps every done step; a session saved before steps recorded their inputs is trusted as it was', async t => {
	const plan = await planFor('generic', 'kubectl', []);
	t.deepEqual(states(await lineUpSession(await failedAt(plan, 3), plan, {})).certificates, 'done');
	t.is(states(await lineUpSession(await failedAt(plan, 3), plan, {}))[plan.steps[3]!.id], 'failed');
	const old = await failedAt(plan, 3);
	for (const id of old.stepOrder) delete old.steps[id]!.inputs;
	const changed = await planFor('generic', 'kubectl', ['serverName=api.example.test']);
	t.is((await lineUpSession(old, changed, {})).steps['certificates']!.state, 'done');
});

test('a changed secret answer redoes the steps that use it, keeping the paths of the files they made; the same secret keeps them', async t => {
	const plan = await planFor('steadybit', 'bundle', [], {agentKeyPassphrase: 'first passphrase'});
	t.deepEqual(plan.secretAnswers, ['agentKeyPassphrase']);
	const session = async () => failedAt(plan, 2, {agentKeyPassphrase: 'first passphrase'});
	const same = await lineUpSession(await session(), plan, {agentKeyPassphrase: 'first passphrase'});
	t.deepEqual(states(same), {certificates: 'done', 'verify-handshake': 'done', 'use-bundle': 'failed', 'use-bundle-passphrase': 'pending'});
	const changed = await lineUpSession(await session(), plan, {agentKeyPassphrase: 'second passphrase'});
	t.deepEqual(states(changed), {certificates: 'pending', 'verify-handshake': 'pending', 'use-bundle': 'failed', 'use-bundle-passphrase': 'pending'});
	t.deepEqual(changed.steps['certificates']!.files, ['/srv/certificates'], 'the step may replace what it made');
	t.notRegex(JSON.stringify(changed), /first passphrase|second passphrase/, 'neither passphrase is in the session');
});

for (const kdf of ['scrypt', undefined] as const) {
	test(`the digest of a step takes a secret only through its ${kdf ?? 'HMAC'} mark: another salt, another digest; a step using no secret is unchanged`, async t => {
		const plan = await planFor('steadybit', 'bundle', [], {agentKeyPassphrase: 'first passphrase'});
		const certificates = plan.steps[0]!;
		const verify = plan.steps[1]!;
		const secrets = {agentKeyPassphrase: 'first passphrase'};
		const salt = 'a'.repeat(32);
		const marks = await secretMarks(salt, secrets, kdf);
		t.not(stepDigest(certificates, marks), stepDigest(certificates));
		t.not(stepDigest(certificates, marks), stepDigest(certificates, await secretMarks('b'.repeat(32), secrets, kdf)));
		t.is(stepDigest(verify, marks), stepDigest(verify), 'the handshake step references no secret');
		t.deepEqual(await secretMarks(undefined, secrets, kdf), {}, 'a session saved before it had a salt leaves secrets out');
		t.notRegex(JSON.stringify(marks), /first passphrase/);
	});
}

test('a new session derives its marks with scrypt, which the HMAC of older sessions does not reproduce; an older session keeps its HMAC and its done steps', async t => {
	const plan = await planFor('steadybit', 'bundle', [], {agentKeyPassphrase: 'first passphrase'});
	const secrets = {agentKeyPassphrase: 'first passphrase'};
	const fresh = sessionFromPlan(plan, '20261202-000000-abcd');
	t.is(fresh.marksKdf, 'scrypt');
	const [scrypted, hashed] = [await secretMarks(fresh.digestSalt, secrets, 'scrypt'), await secretMarks(fresh.digestSalt, secrets)];
	t.not(stepDigest(plan.steps[0]!, scrypted), stepDigest(plan.steps[0]!, hashed), 'a guess checked with the cheap hash does not match');
	// Made with the same node:crypto scrypt at the documented cost (step-digest.ts): a weaker setting would not match.
	const {scryptSync} = await import('node:crypto');
	const expected = scryptSync('first passphrase', Buffer.concat([Buffer.from(fresh.digestSalt!, 'hex'), Buffer.from('\0agentKeyPassphrase')]), 32, {N: 2 ** 14, r: 8, p: 1}).toString('hex');
	t.is(scrypted['agentKeyPassphrase'], expected);
	const older = await failedAt(plan, 2, secrets, true);
	t.is(older.marksKdf, undefined);
	t.deepEqual(states(await lineUpSession(older, plan, secrets)), {certificates: 'done', 'verify-handshake': 'done', 'use-bundle': 'failed', 'use-bundle-passphrase': 'pending'});
	t.deepEqual(states(await lineUpSession(await failedAt(plan, 2, secrets, true), plan, {agentKeyPassphrase: 'second passphrase'})).certificates, 'pending');
});

test('a session saved before there was a salt keeps its done steps whatever the secret; its manual step done then reads to do', async t => {
	const plan = await planFor('steadybit', 'bundle', [], {agentKeyPassphrase: 'first passphrase'});
	const old = await failedAt(plan, plan.steps.length);
	delete old.digestSalt;
	const lined = await lineUpSession(old, plan, {agentKeyPassphrase: 'second passphrase'});
	t.deepEqual(states(lined), {certificates: 'done', 'verify-handshake': 'done', 'use-bundle': 'to-do', 'use-bundle-passphrase': 'to-do'});
});
