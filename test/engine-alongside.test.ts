import test from 'ava';
import type {EngineEvent} from '../source/engine-events.js';
import {StepFailedError} from '../source/errors.js';
import type {Step} from '../source/plan/types.js';
import {engineHarness, plainStep, testPlan} from './support/engine-harness.js';

/** A promise and the function that settles it: one step's runner waits on what the other one does. */
function signal(): {promise: Promise<void>; fire(): void} {
	let fire = () => undefined as void;
	const promise = new Promise<void>(resolve => {
		fire = resolve;
	});
	return {promise, fire};
}

const startsAlongside = (step: Step): Step => ({...step, alongsidePrevious: true});

/** The step ids of the events in order, each step's run of events folded into one entry. */
function stepRuns(events: EngineEvent[]): string[] {
	const runs: string[] = [];
	for (const event of events) {
		if (!('stepId' in event)) continue;
		if (runs.at(-1) !== event.stepId) runs.push(event.stepId);
	}

	return runs;
}

test('a step started alongside the one before it runs while that one runs, and its events come after that step\'s, in plan order', async t => {
	const harness = await engineHarness();
	t.teardown(harness.cleanup);
	const twoStarted = signal();
	const plan = testPlan([plainStep('one'), startsAlongside(plainStep('two')), plainStep('three')]);
	const {exitCode, events, session} = await harness.run(plan, {
		async one(_step, context) {
			context.output({line: 'one before two starts', stream: 'info'});
			// Run one after another, this would wait forever: two starts only once one has finished.
			await twoStarted.promise;
			context.output({line: 'one after two started', stream: 'info'});
			return {detail: 'one ok'};
		},
		async two(_step, context) {
			context.output({line: 'two while one runs', stream: 'info'});
			context.waitingFor('something', 5);
			twoStarted.fire();
			return {detail: 'two ok'};
		},
	});
	t.is(exitCode, 0);
	t.deepEqual(stepRuns(events), ['one', 'two', 'three']);
	t.deepEqual(
		events.filter(event => 'stepId' in event).map(event => `${event.type} ${'stepId' in event ? event.stepId : ''}`),
		['step-started one', 'step-output one', 'step-output one', 'step-done one', 'step-started two', 'step-output two', 'waiting-for two', 'step-done two', 'step-started three', 'step-done three'],
	);
	t.deepEqual(events.find(event => event.type === 'step-started' && event.stepId === 'two'), {type: 'step-started', stepId: 'two', kind: 'write-files', title: 'Step two', index: 2, total: 3});
	t.deepEqual(['one', 'two', 'three'].map(id => session.steps[id]?.state), ['done', 'done', 'done']);
	t.is(session.steps['two']?.detail, 'two ok');
});

test('when the step before fails, the step alongside it is stopped, its events dropped and its record left as it was', async t => {
	const harness = await engineHarness();
	t.teardown(harness.cleanup);
	const twoStarted = signal();
	let twoStopped = false;
	const plan = testPlan([plainStep('one'), startsAlongside(plainStep('two')), plainStep('three')]);
	const {exitCode, events, session} = await harness.run(plan, {
		async one() {
			await twoStarted.promise;
			throw new StepFailedError('one broke', 'one', 'fix one');
		},
		async two(_step, context) {
			context.output({line: 'two is following', stream: 'info'});
			twoStarted.fire();
			await new Promise<void>(resolve => {
				context.signal.addEventListener('abort', () => resolve(), {once: true});
			});
			twoStopped = true;
			return {detail: 'two should not count'};
		},
	});
	t.is(exitCode, 1);
	t.true(twoStopped, 'two was told to stop');
	t.deepEqual(stepRuns(events), ['one']);
	t.like(events.find(event => event.type === 'step-failed'), {stepId: 'one', message: 'one broke', hint: 'fix one'});
	t.like(events.at(-1), {type: 'run-finished', exitCode: 1});
	t.is(session.outcome, 'failed');
	t.is(session.steps['one']?.state, 'failed');
	t.is(session.steps['two']?.state, 'pending');
	t.is(session.steps['two']?.detail, undefined);
	t.is(session.steps['three']?.state, 'pending');
});

test('a step alongside that fails first is reported only once the step before it has finished, after that step', async t => {
	const harness = await engineHarness();
	t.teardown(harness.cleanup);
	const twoFailed = signal();
	const plan = testPlan([plainStep('one'), startsAlongside(plainStep('two')), plainStep('three')]);
	const {exitCode, events, session} = await harness.run(plan, {
		async one(_step, context) {
			await twoFailed.promise;
			context.output({line: 'one finishes after two failed', stream: 'info'});
			return {detail: 'one ok'};
		},
		async two(_step, context) {
			context.output({line: 'two goes wrong', stream: 'stderr'});
			setImmediate(twoFailed.fire);
			throw new StepFailedError('two broke', 'two', 'fix two');
		},
	});
	t.is(exitCode, 1);
	t.deepEqual(stepRuns(events), ['one', 'two']);
	t.deepEqual(
		events.filter(event => 'stepId' in event).map(event => event.type),
		['step-started', 'step-output', 'step-done', 'step-started', 'step-output', 'step-failed'],
	);
	t.like(events.find(event => event.type === 'step-failed'), {stepId: 'two', message: 'two broke', hint: 'fix two', lastLines: ['two goes wrong']});
	t.is(session.steps['one']?.state, 'done');
	t.is(session.steps['two']?.state, 'failed');
	t.is(session.steps['two']?.error, 'two broke');
	t.is(session.steps['three']?.state, 'pending');

	// Resumed, the session runs from the failed step; the one before it stays done.
	const ran: string[] = [];
	const resumed = await harness.run(plan, {one: async () => (ran.push('one'), {}), two: async () => (ran.push('two'), {}), three: async () => (ran.push('three'), {})}, {session});
	t.is(resumed.exitCode, 0);
	t.deepEqual(ran, ['two', 'three']);
});

test('an interrupt while steps run alongside marks both pending again and exits 130', async t => {
	const harness = await engineHarness();
	t.teardown(harness.cleanup);
	const controller = new AbortController();
	const bothStarted = {one: signal(), two: signal()};
	void Promise.all([bothStarted.one.promise, bothStarted.two.promise]).then(() => controller.abort());
	const waitForStop = async (context: {signal: AbortSignal}) =>
		new Promise<never>((_resolve, reject) => {
			context.signal.addEventListener('abort', () => reject(new Error('stopped')), {once: true});
		});
	const plan = testPlan([plainStep('one'), startsAlongside(plainStep('two'))]);
	const {exitCode, events, session} = await harness.run(
		plan,
		{
			async one(_step, context) {
				bothStarted.one.fire();
				return waitForStop(context);
			},
			async two(_step, context) {
				bothStarted.two.fire();
				return waitForStop(context);
			},
		},
		{signal: controller.signal},
	);
	t.is(exitCode, 130);
	t.deepEqual(stepRuns(events), ['one']);
	t.is(session.outcome, 'interrupted');
	t.is(session.steps['one']?.state, 'pending');
	t.is(session.steps['two']?.state, 'pending');
});
