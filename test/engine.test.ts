import {readFile} from 'node:fs/promises';
import test, {type ExecutionContext} from 'ava';
import {testPauseAfterMarker, testPauseMarker} from '../source/engine.js';
import {NotConfirmedError, StepFailedError} from '../source/errors.js';
import type {Step} from '../source/plan/types.js';
import {isFinished, progressOf, sessionPath} from '../source/session/session-store.js';
import {manualRunner} from '../source/steps/manual.js';
import {engineHarness, manualStep, plainStep, testPlan, type Harness} from './support/engine-harness.js';
import {fakeLogTool} from './steps/support/fake-tool.js';

const verify: Step = {id: 'verify-handshake', title: 'Prove the certificates', kind: 'verify-handshake', dir: '/tmp/c', server: 'server', client: 'client', serverName: 's'};
const secret: Step = {id: 'secret-agent', title: 'Create secret', kind: 'kube-secret', namespace: 'ns', name: 'agent', type: 'generic', files: [], createNamespace: false};

test('runs every step in order, saves each as done and reports events', async t => {
	const harness = await engineHarness();
	t.teardown(harness.cleanup);
	const order: string[] = [];
	const plan = testPlan([plainStep('one'), plainStep('two'), plainStep('three')]);
	const runner = (id: string) => async () => {
		order.push(id);
		return {detail: `${id} ok`, files: [`/tmp/out/${id}.txt`]};
	};

	const {exitCode, events, session} = await harness.run(plan, {one: runner('one'), two: runner('two'), three: runner('three')});
	t.is(exitCode, 0);
	t.deepEqual(order, ['one', 'two', 'three']);
	t.deepEqual(
		events.map(event => event.type),
		['run-started', 'step-started', 'step-done', 'step-started', 'step-done', 'step-started', 'step-done', 'run-finished'],
	);
	t.deepEqual(events.at(-1), {type: 'run-finished', sessionId: session.id, exitCode: 0, manualSteps: []});
	t.is(session.outcome, 'done');
	t.deepEqual(session.stepOrder, ['one', 'two', 'three']);
	t.is(session.steps['two']?.state, 'done');
	t.is(session.steps['two']?.detail, 'two ok');
	t.deepEqual(session.steps['two']?.files, ['/tmp/out/two.txt']);
	t.truthy(session.steps['two']?.finishedAt);
});

test('a session continued later skips the steps it has done and runs the rest', async t => {
	const harness = await engineHarness();
	t.teardown(harness.cleanup);
	const plan = testPlan([plainStep('one'), plainStep('two'), plainStep('three')]);
	const first = await harness.run(plan, {
		two: async () => {
			throw new StepFailedError('two broke', 'two', 'fix two');
		},
	});
	t.is(first.exitCode, 1);
	t.is(first.session.steps['one']?.state, 'done');
	t.is(first.session.steps['two']?.state, 'failed');
	t.is(first.session.steps['two']?.error, 'two broke');
	t.is(first.session.steps['three']?.state, 'pending');

	const ran: string[] = [];
	const second = await harness.run(
		plan,
		{one: async () => (ran.push('one'), {}), two: async () => (ran.push('two'), {}), three: async () => (ran.push('three'), {})},
		{session: first.session},
	);
	t.is(second.exitCode, 0);
	t.deepEqual(ran, ['two', 'three']);
	t.like(second.events[0], {type: 'run-started', resumedAt: 2});
	t.like(second.events[1], {type: 'step-skipped', stepId: 'one'});
	t.is(second.session.outcome, 'done');
});

test('a manual step is recorded to do, never done: the run lists it, a resume passes it again as to do, and the session counts it apart', async t => {
	const harness = await engineHarness();
	t.teardown(harness.cleanup);
	const plan = testPlan([plainStep('one'), manualStep('hand-over'), plainStep('three')]);
	const first = await harness.run(plan, {
		'hand-over': manualRunner.run,
		three: async () => {
			throw new StepFailedError('three broke', 'three', 'fix three');
		},
	});
	t.is(first.exitCode, 1);
	t.deepEqual(first.events.filter(event => event.type.startsWith('step-') && event.type !== 'step-started').map(event => `${event.type} ${'stepId' in event ? event.stepId : ''}`), [
		'step-done one',
		'step-to-do hand-over',
		'step-failed three',
	]);
	t.is(first.session.steps['hand-over']?.state, 'to-do');
	t.truthy(first.session.steps['hand-over']?.inputs, 'a changed manual step is listed again');
	t.deepEqual(progressOf(first.session), {done: 1, toDo: 1, total: 3});
	t.false(isFinished(first.session));

	const second = await harness.run(plan, {}, {session: first.session});
	t.is(second.exitCode, 0);
	t.like(second.events[0], {type: 'run-started', resumedAt: 3});
	t.like(second.events[1], {type: 'step-skipped', stepId: 'one'});
	t.deepEqual(second.events[2], {type: 'step-to-do', stepId: 'hand-over'});
	t.deepEqual(second.events.at(-1), {type: 'run-finished', sessionId: first.session.id, exitCode: 0, manualSteps: [['do hand-over']]});
	t.deepEqual(progressOf(second.session), {done: 2, toDo: 1, total: 3});
	t.true(isFinished(second.session), 'nothing is left for the engine');
});

test('a failing command is reported with the command line and its last output lines', async t => {
	const harness = await engineHarness();
	t.teardown(harness.cleanup);
	const tool = await fakeLogTool({attempts: [{lines: [{text: 'Error from server (Forbidden): secrets is forbidden', stream: 'stderr'}], then: 'exit', exitCode: 1}]});
	t.teardown(tool.cleanup);
	const plan = testPlan([plainStep('apply')]);
	const {exitCode, events} = await harness.run(
		plan,
		{
			async apply(_step, context) {
				await context.run({file: 'kubectl', args: ['apply', '-f', '/tmp/out/agent secret.yaml']});
				return {};
			},
		},
		{env: {...harness.env, ...tool.env}},
	);
	t.is(exitCode, 1);
	const failed = events.find(event => event.type === 'step-failed');
	t.like(failed, {type: 'step-failed', stepId: 'apply', command: "kubectl apply -f '/tmp/out/agent secret.yaml'", exitCode: 1});
	t.deepEqual(failed?.type === 'step-failed' ? failed.lastLines : [], ['Error from server (Forbidden): secrets is forbidden']);
	t.true(events.some(event => event.type === 'step-output' && event.stream === 'stderr' && event.line.includes('Forbidden')));
});

test('secret answers in command output or a failure message never reach the events, plain or base64', async t => {
	const harness = await engineHarness();
	t.teardown(harness.cleanup);
	const token = 's3cr3t-TOKEN';
	const encoded = Buffer.from(token).toString('base64');
	const tool = await fakeLogTool({attempts: [{lines: [{text: `data: {token: ${encoded}}`, stream: 'stderr'}, {text: `token=${token}`}], then: 'exit', exitCode: 1}]});
	t.teardown(tool.cleanup);
	const {exitCode, events} = await harness.run(
		testPlan([plainStep('apply')]),
		{
			async apply(_step, context) {
				try {
					await context.run({file: 'kubectl', args: ['apply', '-f', '/tmp/out/secret.yaml']});
				} catch {
					throw new StepFailedError(`rejected token ${token}`, 'apply', `check ${encoded}`);
				}

				return {};
			},
		},
		{env: {...harness.env, ...tool.env}, secrets: {token}},
	);
	t.is(exitCode, 1);
	t.true(events.some(event => event.type === 'step-output' && event.line === 'token=<redacted>'));
	t.like(events.find(event => event.type === 'step-failed'), {message: 'rejected token <redacted>', hint: 'check <redacted>', lastLines: ['data: {token: <redacted>}', 'token=<redacted>']});
	const text = JSON.stringify(events);
	t.false(text.includes(token));
	t.false(text.includes(encoded));
});

test('a confirmation that never came ends with exit 3 and its last log lines', async t => {
	const harness = await engineHarness();
	t.teardown(harness.cleanup);
	const {exitCode, events, session} = await harness.run(testPlan([plainStep('confirm')]), {
		confirm: async () => {
			throw new NotConfirmedError('no confirmation within 1s', ['INF starting'], 'The CA is not mounted.');
		},
	});
	t.is(exitCode, 3);
	t.like(events.find(event => event.type === 'step-failed'), {message: 'no confirmation within 1s', hint: 'The CA is not mounted.', lastLines: ['INF starting'], exitCode: 3});
	t.is(session.outcome, 'not-confirmed');
	t.like(events.at(-1), {type: 'run-finished', exitCode: 3, manualSteps: []});
});

test('deployment steps are refused when no handshake proof precedes them, whatever the order', async t => {
	const harness = await engineHarness();
	t.teardown(harness.cleanup);
	let deployed = false;
	const deploy = async () => {
		deployed = true;
		return {};
	};

	const withoutProof = await harness.run(testPlan([plainStep('issue'), secret]), {'secret-agent': deploy});
	t.is(withoutProof.exitCode, 1);
	t.like(withoutProof.events.find(event => event.type === 'step-failed'), {stepId: 'secret-agent'});
	t.regex(withoutProof.session.steps['secret-agent']?.error ?? '', /refusing to run secret-agent: the plan deploys without a verify-handshake step before it/);

	const proofAfter = await harness.run(testPlan([secret, verify]), {'secret-agent': deploy});
	t.is(proofAfter.exitCode, 1);
	t.false(deployed);
});

test('while the handshake step fails, resuming never reaches the deployment', async t => {
	const harness = await engineHarness();
	t.teardown(harness.cleanup);
	const plan = testPlan([verify, secret]);
	let deployed = 0;
	const runners = {
		'verify-handshake': async () => {
			throw new StepFailedError('client certificate refused');
		},
		'secret-agent': async () => {
			deployed++;
			return {};
		},
	};
	const first = await harness.run(plan, runners);
	const second = await harness.run(plan, runners, {session: first.session});
	t.is(second.exitCode, 1);
	t.is(deployed, 0);

	const third = await harness.run(plan, {'secret-agent': runners['secret-agent']}, {session: second.session});
	t.is(third.exitCode, 0);
	t.is(deployed, 1);
});

test('an interrupt stops the running step, marks it pending again and exits 130', async t => {
	const harness = await engineHarness();
	t.teardown(harness.cleanup);
	const controller = new AbortController();
	const plan = testPlan([plainStep('one'), plainStep('slow'), plainStep('three')]);
	const {exitCode, events, session} = await harness.run(
		plan,
		{
			async slow(_step, context) {
				context.output({line: 'working', stream: 'info'});
				await new Promise(() => undefined);
				return {};
			},
		},
		{
			signal: controller.signal,
			onEvent(event) {
				if (event.type === 'step-output' && event.line === 'working') controller.abort();
			},
		},
	);
	t.is(exitCode, 130);
	t.is(session.outcome, 'interrupted');
	t.is(session.steps['one']?.state, 'done');
	t.is(session.steps['slow']?.state, 'pending');
	t.is(session.steps['three']?.state, 'pending');
	t.like(events.at(-1), {type: 'run-finished', exitCode: 130});
	t.false(events.some(event => event.type === 'step-failed'));
});

/**
 * Runs steps one and two with a test pause hook on `pausedStep`; at the marker, reads the saved state of that step,
 * then interrupts. Resolves with the run's result and that state.
 */
async function pausedRun(t: ExecutionContext, hook: {variable: string; marker: string}, pausedStep: string, runners: Parameters<Harness['run']>[1]) {
	const harness = await engineHarness();
	t.teardown(harness.cleanup);
	const controller = new AbortController();
	let sessionId = '';
	let stateWhilePaused: string | undefined;
	const result = await harness.run(testPlan([plainStep('one'), plainStep('two')]), runners, {
		env: {...harness.env, [hook.variable]: pausedStep},
		signal: controller.signal,
		onEvent(event) {
			if (event.type === 'run-started') sessionId = event.sessionId;
			if (event.type === 'step-output' && event.line === `${hook.marker} ${pausedStep}`) {
				void readFile(sessionPath(harness.env, sessionId), 'utf8').then(text => {
					stateWhilePaused = (JSON.parse(text) as {steps: Record<string, {state: string}>}).steps[pausedStep]?.state;
					controller.abort();
				});
			}
		},
	});
	return {...result, stateWhilePaused};
}

test('the test-only pause hook marks the step running, says so and waits for an interrupt', async t => {
	const {exitCode, session, stateWhilePaused} = await pausedRun(t, {variable: 'MTLS_WIZARD_TEST_PAUSE_BEFORE', marker: testPauseMarker}, 'two', {
		two: async () => t.fail('a paused step must not run') as never,
	});
	t.is(exitCode, 130);
	t.is(stateWhilePaused, 'running');
	t.is(session.steps['one']?.state, 'done');
	t.is(session.steps['two']?.state, 'pending');
});

test('the test-only pause-after hook lets the step do its work, then waits for an interrupt before the session records it', async t => {
	let ran = false;
	const {exitCode, session, stateWhilePaused} = await pausedRun(t, {variable: 'MTLS_WIZARD_TEST_PAUSE_AFTER', marker: testPauseAfterMarker}, 'one', {
		async one() {
			ran = true;
			return {detail: 'did its work'};
		},
	});
	t.is(exitCode, 130);
	t.true(ran);
	t.is(stateWhilePaused, 'running');
	t.is(session.steps['one']?.state, 'pending');
	t.is(session.steps['two']?.state, 'pending', 'the step after it never started');
});

test('a step saying what it waits for reaches the renderers as a waiting-for event, secrets hidden', async t => {
	const harness = await engineHarness();
	t.teardown(harness.cleanup);
	const {exitCode, events} = await harness.run(testPlan([plainStep('confirm')]), {
		async confirm(_step, context) {
			context.waitingFor('deployment/agent to log: "mTLS enabled" for token s3cr3t-TOKEN', 90);
			return {};
		},
	}, {secrets: {token: 's3cr3t-TOKEN'}});
	t.is(exitCode, 0);
	t.deepEqual(
		events.find(event => event.type === 'waiting-for'),
		{type: 'waiting-for', stepId: 'confirm', description: 'deployment/agent to log: "mTLS enabled" for token <redacted>', timeoutSeconds: 90},
	);
});
