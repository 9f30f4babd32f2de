/** @jsxRuntime automatic */
import test from 'ava';
import {useState} from 'react';
import type {EngineEvent} from '../../source/engine-events.js';
import {RunScreen} from '../../source/ui/RunScreen.js';
import {applyEngineEvent, initialRunState, type RunState} from '../../source/ui/run-state.js';
import {keys, renderInk, tick, waitFor} from '../support/ink-wait.js';

const start = {
	steps: [
		{id: 'certificates', title: 'Issue certificates', done: true},
		{id: 'deploy', title: 'Install helm release demo', done: false},
		{id: 'confirm', title: 'Wait for the TLS startup line', done: false},
	],
};

/** Holds run state the way App does and exposes a way to feed it engine events. */
function harness() {
	let send: (event: EngineEvent) => void = () => {};
	const seen: string[] = [];
	function Harness() {
		const [state, setState] = useState<RunState>(initialRunState(start));
		send = event => {
			setState(current => applyEngineEvent(current, event, Date.now()));
		};
		return <RunScreen state={state} width={79} height={19} onChangeAnswers={() => undefined} onRetry={() => seen.push('retry')} onQuit={() => seen.push('quit')} />;
	}

	return {element: <Harness />, send: (event: EngineEvent) => send(event), seen};
}

test('steps show pending, running with a spinner and elapsed time, and done', async t => {
	const {element, send} = harness();
	const {lastFrame, unmount} = renderInk(t, element);
	t.regex(lastFrame() ?? '', /✔ Issue certificates/);
	t.regex(lastFrame() ?? '', /· Install helm release demo/);
	send({type: 'step-started', stepId: 'deploy', kind: 'helm-release', title: 'Install helm release demo', index: 1, total: 3});
	const frame = await waitFor(lastFrame, /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Install helm release demo\s+\d+\.\ds/);
	t.regex(frame, /· Wait for the TLS startup line/);
	send({type: 'step-output', stepId: 'deploy', line: 'Release "demo" has been upgraded.', stream: 'stdout'});
	await waitFor(lastFrame, /Release "demo" has been upgraded\./);
	send({type: 'step-done', stepId: 'deploy', elapsedMs: 3200});
	await waitFor(lastFrame, /✔ Install helm release demo\s+3\.2s/);
	unmount();
});

test("a fleet's certificate step shows n of N, the rate and the time left as the engine reports them, and not once it is done", async t => {
	const {element, send} = harness();
	const {lastFrame, unmount} = renderInk(t, element);
	send({type: 'step-started', stepId: 'deploy', kind: 'issue-certificates', title: 'Install helm release demo', index: 1, total: 3});
	send({type: 'step-progress', stepId: 'deploy', done: 0, total: 500, ratePerSecond: 0, etaSeconds: null});
	await waitFor(lastFrame, /progress: 0 of 500, 0\/s, time left not known yet/);
	send({type: 'step-progress', stepId: 'deploy', done: 120, total: 500, ratePerSecond: 40.5, etaSeconds: 9});
	await waitFor(lastFrame, /progress: 120 of 500, 40\.5\/s, about 9\.0s left/);
	send({type: 'step-done', stepId: 'deploy', elapsedMs: 12_000});
	const frame = await waitFor(lastFrame, /✔ Install helm release demo/);
	t.notRegex(frame, /progress:/);
	unmount();
});

test('the confirmation step shows the log line it waits for, and only the last five output lines', async t => {
	const {element, send} = harness();
	const {lastFrame, unmount} = renderInk(t, element);
	send({type: 'step-started', stepId: 'confirm', kind: 'wait-for-log', title: 'Wait for the TLS startup line', index: 2, total: 3});
	send({type: 'waiting-for', stepId: 'confirm', description: '"mTLS connection established" in deployment/agent', timeoutSeconds: 120});
	for (let i = 1; i <= 7; i++) send({type: 'step-output', stepId: 'confirm', line: `log line ${i}`, stream: 'stdout'});
	const frame = await waitFor(lastFrame, /log line 7/);
	t.regex(frame, /confirmation: waits 120s for: "mTLS connection established" in deployment\/agent/);
	t.notRegex(frame, /log line 2/);
	t.regex(frame, /log line 3/);
	unmount();
});

test('a confirmation step shows what it waits for from the plan, before any event says so', async t => {
	let send: (event: EngineEvent) => void = () => {};
	function Harness() {
		const [state, setState] = useState<RunState>(
			initialRunState({steps: [{id: 'confirm', title: 'Wait for the agent', done: false, waitsFor: 'waits up to 300s for: the agent connected over mTLS'}]}),
		);
		send = event => {
			setState(current => applyEngineEvent(current, event, Date.now()));
		};
		return <RunScreen state={state} width={79} height={19} onChangeAnswers={() => undefined} onRetry={() => {}} onQuit={() => {}} />;
	}

	const {lastFrame, unmount} = renderInk(t, <Harness />);
	t.notRegex(lastFrame() ?? '', /confirmation:/, 'nothing is waited for before the step runs');
	send({type: 'step-started', stepId: 'confirm', kind: 'wait-for-log', title: 'Wait for the agent', index: 1, total: 1});
	await waitFor(lastFrame, /confirmation: waits up to 300s for: the agent connected over mTLS/);
	for (let i = 1; i <= 8; i++) send({type: 'step-output', stepId: 'confirm', line: `agent log ${i}`, stream: 'stdout'});
	const frame = await waitFor(lastFrame, /agent log 8/);
	t.regex(frame, /confirmation: waits up to 300s for: the agent connected over mTLS/, 'it stays while log lines stream');
	unmount();
});

test('a failure shows the hint, the command and its last lines, then retry or quit', async t => {
	const {element, send, seen} = harness();
	const {lastFrame, stdin, unmount} = renderInk(t, element);
	send({type: 'step-started', stepId: 'deploy', kind: 'helm-release', title: 'Install helm release demo', index: 1, total: 3});
	send({
		type: 'step-failed',
		stepId: 'deploy',
		message: 'helm exited with code 1',
		hint: 'The chart repository is not reachable; point the chart answer at a local chart.',
		command: 'helm upgrade --install demo ./chart --namespace demo',
		lastLines: ['Error: INSTALLATION FAILED: chart not found'],
		exitCode: 1,
	});
	send({type: 'run-finished', sessionId: 's-1', exitCode: 1, manualSteps: []});
	const frame = await waitFor(lastFrame, /Retry this step/);
	t.regex(frame, /✘ Install helm release demo: helm exited with code 1/);
	t.regex(frame, /Hint: The chart repository is not reachable/);
	t.regex(frame, /\$ helm upgrade --install demo \.\/chart --namespace demo/);
	t.regex(frame, /INSTALLATION FAILED: chart not found/);
	t.regex(frame, /Quit \(session saved/);
	stdin.write(keys.enter);
	await tick();
	t.deepEqual(seen, ['retry']);
	stdin.write(keys.down);
	await waitFor(lastFrame, /❯ Change answers/);
	stdin.write(keys.down);
	await waitFor(lastFrame, /❯ Quit/);
	stdin.write(keys.enter);
	await tick();
	t.deepEqual(seen, ['retry', 'quit']);
	unmount();
});

test('a long failure message loses its middle, keeps its last lines, and output it quotes is not repeated', async t => {
	const {element, send} = harness();
	const {lastFrame, unmount} = renderInk(t, element);
	send({type: 'step-started', stepId: 'deploy', kind: 'helm-release', title: 'Install helm release demo', index: 1, total: 3});
	const output = Array.from({length: 12}, (_, i) => `helm output line ${i + 1}`);
	send({
		type: 'step-failed',
		stepId: 'deploy',
		message: `helm upgrade --install demo ./chart exited with code 1:\n${output.slice(-5).join('\n')}`,
		command: 'helm upgrade --install demo ./chart',
		lastLines: output,
		exitCode: 1,
	});
	send({type: 'run-finished', sessionId: 's-1', exitCode: 1, manualSteps: []});
	const frame = await waitFor(lastFrame, /Retry this step/);
	t.regex(frame, /✘ Install helm release demo: the command below exited with code 1:/);
	t.regex(frame, /^\$ helm upgrade --install demo \.\/chart$/m);
	t.regex(frame, /^ {2}…$/m);
	t.is(frame.split('helm output line 12').length, 2, 'the last line shows once');
	t.regex(frame, /helm output line 7\n/, 'output the message does not quote is shown');
	t.true(frame.split('\n').length <= 20, `fits the screen:\n${frame}`);
	unmount();
});

test('q while running asks to stop', async t => {
	const {element, send, seen} = harness();
	const {stdin, unmount} = renderInk(t, element);
	send({type: 'step-started', stepId: 'deploy', kind: 'helm-release', title: 'Install helm release demo', index: 1, total: 3});
	await tick();
	stdin.write('q');
	await tick();
	t.deepEqual(seen, ['quit']);
	unmount();
});

test('the spinner keeps turning while a step runs (frames keep changing)', async t => {
	const {element, send} = harness();
	const {lastFrame, unmount} = renderInk(t, element);
	send({type: 'step-started', stepId: 'deploy', kind: 'helm-release', title: 'Install helm release demo', index: 1, total: 3});
	const titleLine = (frame: string) => frame.split('\n').find(line => line.includes('Install helm release demo')) ?? '';
	const first = titleLine(await waitFor(lastFrame, /Install helm release demo/));
	const later = titleLine(await waitFor(lastFrame, frame => titleLine(frame) !== first));
	t.not(later, first, 'the running step line is redrawn (spinner or elapsed time) without any event');
	t.notRegex(later, /✔|✘/, 'and it is still running');
	unmount();
});

test('a manual step is shown as still to do, never ticked done with a time, before it is reached and after', async t => {
	let send: (event: EngineEvent) => void = () => {};
	function Harness() {
		const [state, setState] = useState<RunState>(
			initialRunState({
				steps: [
					{id: 'certificates', title: 'Issue certificates', done: true},
					{id: 'send-ca', title: 'Send the CA certificate to Harness Support', done: false, manual: true},
					{id: 'check-ui', title: 'Check the delegate in the Harness UI', done: true, manual: true},
				],
			}),
		);
		send = event => {
			setState(current => applyEngineEvent(current, event, Date.now()));
		};
		return <RunScreen state={state} width={79} height={19} onChangeAnswers={() => undefined} onRetry={() => {}} onQuit={() => {}} />;
	}

	const {lastFrame} = renderInk(t, <Harness />);
	const line = (frame: string, title: string) => frame.split('\n').find(row => row.includes(title)) ?? '';
	t.regex(line(lastFrame() ?? '', 'Check the delegate'), /^☐ Check the delegate in the Harness UI\s+to do$/, 'done in an earlier run, still to do');
	t.regex(line(lastFrame() ?? '', 'Send the CA'), /^☐ Send the CA certificate to Harness Support\s+to do$/);
	send({type: 'step-started', stepId: 'send-ca', kind: 'manual', title: 'Send the CA certificate to Harness Support', index: 2, total: 3});
	send({type: 'step-to-do', stepId: 'send-ca'});
	send({type: 'step-to-do', stepId: 'check-ui'});
	send({type: 'run-finished', sessionId: 's-1', exitCode: 0, manualSteps: [['send ca.crt'], ['check the UI']]});
	const frame = await waitFor(lastFrame, frame => !/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/.test(frame) && /☐ Send the CA/.test(frame));
	t.regex(line(frame, 'Send the CA'), /^☐ Send the CA certificate to Harness Support\s+to do$/);
	t.regex(line(frame, 'Check the delegate'), /^☐ Check the delegate in the Harness UI\s+to do$/);
	t.regex(line(frame, 'Issue certificates'), /^✔ Issue certificates/);
	t.notRegex(frame, /✔ (Send|Check)/);
	t.notRegex(frame, /0\.0s/);
});

test('a manual step the plan did not mark is still shown to do once the engine says it is manual', async t => {
	const {element, send} = harness();
	const {lastFrame} = renderInk(t, element);
	send({type: 'step-started', stepId: 'hand-over', kind: 'manual', title: 'Hand ca.crt to the vendor', index: 4, total: 4});
	send({type: 'step-to-do', stepId: 'hand-over'});
	const frame = await waitFor(lastFrame, /☐ Hand ca\.crt to the vendor\s+to do/);
	t.notRegex(frame, /✔ Hand ca\.crt/);
});
