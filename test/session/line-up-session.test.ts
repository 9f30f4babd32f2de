import test from 'ava';
import {secretMarks, stepDigest} from '../../source/plan/step-digest.js';
import type {Plan} from '../../source/plan/types.js';
import {lineUpSession} from '../../source/session/line-up-session.js';
import {sessionFromPlan} from '../../source/session/session-store.js';
import type {Session} from '../../source/session/types.js';
import {planFor} from '../plan/plan-for.js';

/**
 * A session of `plan` whose first `done` steps finished (as the engine records them, with these secret answers) and
 * whose next one failed.
 */
function failedAt(plan: Plan, done: number, secrets: Record<string, string> = {}): Session {
	const session = sessionFromPlan(plan, '20261202-000000-abcd');
	const marks = secretMarks(session.digestSalt, secrets);
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
	const session = failedAt(before, 3);
	const after = await planFor('generic', 'kubectl', ['namespace=team-a']);
	t.deepEqual(after.steps.map(step => step.id), ['certificates', 'verify-handshake', 'secret-server', 'secret-client', 'mount-secrets']);
	const lined = lineUpSession(session, after, {});
	// secret-server was done in namespace default; secret-client failed and runs anyway.
	t.deepEqual(states(lined), {certificates: 'done', 'verify-handshake': 'done', 'secret-server': 'pending', 'secret-client': 'failed', 'mount-secrets': 'pending'});
	t.is(lined.steps['certificates']!.detail, 'ok', 'a kept step keeps what it recorded');
	t.is(lined.answers['namespace'], 'team-a');
});

test('a changed server name redoes the certificates and, since later steps use what they issue, every step after them', async t => {
	const before = await planFor('generic', 'kubectl', []);
	const after = await planFor('generic', 'kubectl', ['serverName=api.example.test']);
	const lined = lineUpSession(failedAt(before, 3), after, {});
	for (const id of lined.stepOrder) t.not(lined.steps[id]!.state, 'done', `${id} runs again`);
});

test('the same plan keeps every done step; a session saved before steps recorded their inputs is trusted as it was', async t => {
	const plan = await planFor('generic', 'kubectl', []);
	t.deepEqual(states(lineUpSession(failedAt(plan, 3), plan, {})).certificates, 'done');
	t.is(states(lineUpSession(failedAt(plan, 3), plan, {}))[plan.steps[3]!.id], 'failed');
	const old = failedAt(plan, 3);
	for (const id of old.stepOrder) delete old.steps[id]!.inputs;
	const changed = await planFor('generic', 'kubectl', ['serverName=api.example.test']);
	t.is(lineUpSession(old, changed, {}).steps['certificates']!.state, 'done');
});

test('a changed secret answer redoes the steps that use it, keeping the paths of the files they made; the same secret keeps them', async t => {
	const plan = await planFor('steadybit', 'bundle', [], {agentKeyPassphrase: 'first passphrase'});
	t.deepEqual(plan.secretAnswers, ['agentKeyPassphrase']);
	const session = () => failedAt(plan, 2, {agentKeyPassphrase: 'first passphrase'});
	const same = lineUpSession(session(), plan, {agentKeyPassphrase: 'first passphrase'});
	t.deepEqual(states(same), {certificates: 'done', 'verify-handshake': 'done', 'use-bundle': 'failed', 'use-bundle-passphrase': 'pending'});
	const changed = lineUpSession(session(), plan, {agentKeyPassphrase: 'second passphrase'});
	t.deepEqual(states(changed), {certificates: 'pending', 'verify-handshake': 'pending', 'use-bundle': 'failed', 'use-bundle-passphrase': 'pending'});
	t.deepEqual(changed.steps['certificates']!.files, ['/srv/certificates'], 'the step may replace what it made');
	t.notRegex(JSON.stringify(changed), /first passphrase|second passphrase/, 'neither passphrase is in the session');
});

test('the digest of a step takes a secret only through its keyed hash: another salt, another digest; a step using no secret is unchanged', async t => {
	const plan = await planFor('steadybit', 'bundle', [], {agentKeyPassphrase: 'first passphrase'});
	const certificates = plan.steps[0]!;
	const verify = plan.steps[1]!;
	const secrets = {agentKeyPassphrase: 'first passphrase'};
	const salt = 'a'.repeat(32);
	t.not(stepDigest(certificates, secretMarks(salt, secrets)), stepDigest(certificates));
	t.not(stepDigest(certificates, secretMarks(salt, secrets)), stepDigest(certificates, secretMarks('b'.repeat(32), secrets)));
	t.is(stepDigest(verify, secretMarks(salt, secrets)), stepDigest(verify), 'the handshake step references no secret');
	t.deepEqual(secretMarks(undefined, secrets), {}, 'a session saved before it had a salt leaves secrets out');
	t.notRegex(JSON.stringify(secretMarks(salt, secrets)), /first passphrase/);
});

test('a session saved before there was a salt keeps its done steps whatever the secret; its manual step done then reads to do', async t => {
	const plan = await planFor('steadybit', 'bundle', [], {agentKeyPassphrase: 'first passphrase'});
	const old = failedAt(plan, plan.steps.length);
	delete old.digestSalt;
	const lined = lineUpSession(old, plan, {agentKeyPassphrase: 'second passphrase'});
	t.deepEqual(states(lined), {certificates: 'done', 'verify-handshake': 'done', 'use-bundle': 'to-do', 'use-bundle-passphrase': 'to-do'});
});
