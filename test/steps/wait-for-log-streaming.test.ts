import test from 'ava';
import {NotConfirmedError, StepFailedError} from '../../source/errors.js';
import type {WaitForLogStep} from '../../source/plan/types.js';
import {waitForLog} from '../../source/steps/wait-for-log.js';
import {fakeLogTool, type FakeAttempt} from './support/fake-tool.js';
import {recordingContext, type RecordedLine} from './support/step-context.js';

const success = 'INF Starting extension https server on port 8086 (ClientAuth: RequireAndVerifyClientCert)';

function step(overrides: Partial<WaitForLogStep> = {}): WaitForLogStep {
	return {
		id: 'confirm-extension',
		title: 'Wait for the extension to listen with mutual TLS',
		kind: 'wait-for-log',
		source: {kind: 'docker-container', container: 'steadybit-extension'},
		success: [{pattern: 'ClientAuth: RequireAndVerifyClientCert', description: 'the extension listens with mutual TLS'}],
		failures: [{pattern: 'failed to load TLS certificate', hint: 'The server key does not match its certificate.'}],
		timeoutSeconds: 600,
		timeoutHints: ['The container may not have the certificates mounted.'],
		...overrides,
	};
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

async function withTool<T>(attempts: FakeAttempt[], run: (env: NodeJS.ProcessEnv, tool: Awaited<ReturnType<typeof fakeLogTool>>) => Promise<T>, events?: unknown) {
	const tool = await fakeLogTool({attempts, events});
	try {
		return await run(tool.env, tool);
	} finally {
		await tool.cleanup();
	}
}

test('the success line, arriving after others, confirms and the follower is stopped', async t => {
	await withTool(
		[{lines: [{text: 'INF starting'}, {text: 'INF loading certificates', stream: 'stderr'}, {text: success, stream: 'stderr'}], then: 'hang'}],
		async (env, tool) => {
			const context = recordingContext({env});
			const outcome = await waitForLog(step(), context);
			t.is(outcome.detail, 'confirmed: the extension listens with mutual TLS');
			t.true(context.lines.some(line => line.line === success && line.stream === 'stderr'));
			t.deepEqual(await tool.calls(), [['logs', '-f', 'steadybit-extension']]);
			t.false(alive(await tool.lastPid()), 'the log follower must not outlive the step');
		},
	);
});

test('a coloured success line confirms and is shown without colour codes', async t => {
	await withTool([{lines: [{text: `\u001B[32mINF\u001B[0m Starting extension https server on port 8086 (\u001B[1mClientAuth: RequireAndVerifyClientCert\u001B[0m)`}], then: 'hang'}], async env => {
		const context = recordingContext({env});
		await waitForLog(step(), context);
		t.true(context.lines.some(line => line.line === success));
		t.false(context.lines.some(line => line.line.includes('\u001B')));
	});
});

test('a failure line fails fast with its hint, without waiting for the timeout', async t => {
	await withTool([{lines: [{text: 'FTL Failed to start extension server error="failed to load TLS certificate: tls: private key does not match public key"'}], then: 'hang'}], async (env, tool) => {
		const error = await t.throwsAsync(waitForLog(step({timeoutSeconds: 600}), recordingContext({env})), {instanceOf: StepFailedError});
		t.is(error.exitCode, 1);
		t.is(error.hint, 'The server key does not match its certificate.');
		t.regex(error.message, /container steadybit-extension logged a failure: FTL Failed to start extension server/);
		t.false(alive(await tool.lastPid()));
	});
});

test('no success line before the timeout: exit 3 with the last lines and the likely causes', async t => {
	await withTool([{lines: [{text: 'INF starting'}, {text: 'INF Starting extension https server on port 8086 (ClientAuth: NoClientCert)'}], then: 'hang'}], async (env, tool) => {
		const both = (lines: RecordedLine[]) => lines.some(line => line.line.includes('ClientAuth: NoClientCert'));
		const error = await t.throwsAsync(waitForLog(step({timeoutSeconds: 8}), recordingContext({env, timeOutWhen: both})), {instanceOf: NotConfirmedError});
		t.is(error.exitCode, 3);
		t.deepEqual(error.lastLines, ['INF starting', 'INF Starting extension https server on port 8086 (ClientAuth: NoClientCert)']);
		t.is(error.hint, 'The container may not have the certificates mounted.');
		t.regex(error.message, /no confirmation from container steadybit-extension within 8s/);
		t.false(alive(await tool.lastPid()));
	});
});

test('a container that stops before the success line is not confirmed (exit 3)', async t => {
	await withTool([{lines: [{text: 'INF starting'}], then: 'exit', exitCode: 0}], async env => {
		const error = await t.throwsAsync(waitForLog(step(), recordingContext({env})), {instanceOf: NotConfirmedError});
		t.regex(error.message, /stopped before logging/);
		t.deepEqual(error.lastLines, ['INF starting']);
	});
});

test('a log that cannot be followed at all fails with the tool output', async t => {
	await withTool([{lines: [{text: 'Error response from daemon: No such container: steadybit-extension', stream: 'stderr'}], then: 'exit', exitCode: 1}], async env => {
		const context = recordingContext({env});
		const error = await t.throwsAsync(waitForLog(step(), context), {instanceOf: StepFailedError});
		t.regex(error.message, /cannot follow the log of container steadybit-extension: docker exited with code 1/);
		t.true(context.lines.some(line => line.line.includes('No such container')));
	});
});

test('kubectl: retries while the container is waiting to start, then confirms', async t => {
	const waiting = {text: 'Error from server (BadRequest): container "agent" in pod "agent-0" is waiting to start: ContainerCreating', stream: 'stderr' as const};
	await withTool(
		[
			{lines: [{text: 'Error from server (NotFound): pods "agent-0" not found', stream: 'stderr'}], then: 'exit', exitCode: 1},
			{lines: [waiting], then: 'exit', exitCode: 1},
			{lines: [{text: success}], then: 'hang'},
		],
		async (env, tool) => {
			const kubeStep = step({source: {kind: 'kubectl', resource: 'pod/agent-0', container: 'agent', namespace: 'steadybit', context: 'kind'}});
			await waitForLog(kubeStep, recordingContext({env}));
			const calls = await tool.calls();
			t.is(calls.length, 3);
			t.deepEqual(calls[2], ['-n', 'steadybit', '--context', 'kind', 'logs', '-f', 'pod/agent-0', '-c', 'agent']);
		},
	);
});

test('kubectl: a pod still pending at the timeout is explained by its FailedMount event', async t => {
	const events = {
		items: [
			{type: 'Normal', reason: 'Scheduled', message: 'Successfully assigned steadybit/agent-0', involvedObject: {kind: 'Pod', name: 'agent-0'}},
			{
				type: 'Warning',
				reason: 'FailedMount',
				message: 'MountVolume.SetUp failed for volume "certs" : secret "agent-client-cert" not found',
				involvedObject: {kind: 'Pod', name: 'agent-0'},
			},
		],
	};
	await withTool(
		[{lines: [{text: 'Error from server (BadRequest): container "agent" in pod "agent-0" is waiting to start: ContainerCreating', stream: 'stderr'}], then: 'exit', exitCode: 1}],
		async (env, tool) => {
			const kubeStep = step({timeoutSeconds: 1, source: {kind: 'kubectl', resource: 'pod/agent-0', namespace: 'steadybit'}});
			const waiting = (lines: RecordedLine[]) => lines.some(line => line.line.includes('is waiting to start'));
			const error = await t.throwsAsync(waitForLog(kubeStep, recordingContext({env, timeOutWhen: waiting})), {instanceOf: NotConfirmedError});
			t.is(error.exitCode, 3);
			t.regex(error.hint ?? '', /The pod never started: FailedMount: MountVolume.SetUp failed for volume "certs" : secret "agent-client-cert" not found/);
			t.regex(error.hint ?? '', /The container may not have the certificates mounted\./);
			const eventCall = (await tool.calls()).find(call => call.includes('events'));
			t.deepEqual(eventCall, ['-n', 'steadybit', 'get', 'events', '--field-selector', 'involvedObject.name=agent-0', '-o', 'json']);
		},
		events,
	);
});

test('kubectl: a forbidden log request fails at once instead of retrying', async t => {
	await withTool(
		[{lines: [{text: 'Error from server (Forbidden): pods "agent-0" is forbidden: User "dev" cannot get resource "pods/log"', stream: 'stderr'}], then: 'exit', exitCode: 1}],
		async (env, tool) => {
			const kubeStep = step({timeoutSeconds: 600, source: {kind: 'kubectl', resource: 'pod/agent-0', namespace: 'steadybit'}});
			await t.throwsAsync(waitForLog(kubeStep, recordingContext({env})), {instanceOf: StepFailedError});
			t.is((await tool.calls()).length, 1);
		},
	);
});

test('interrupting stops the follower', async t => {
	await withTool([{lines: [{text: 'INF starting'}], then: 'hang'}], async (env, tool) => {
		const context = recordingContext({env});
		const running = waitForLog(step({timeoutSeconds: 600}), context);
		while (!context.lines.some(line => line.line === 'INF starting')) await new Promise(resolve => setImmediate(resolve));
		context.abort();
		const error = await t.throwsAsync(running);
		t.is((error as {exitCode?: number}).exitCode, 130);
		t.false(alive(await tool.lastPid()));
	});
});

const notThereYet = 'ERR edge/poll.go:175 > an error occured during short poll | error="Get \\"https://portainer.test:9443/api/endpoints/1/edge/status\\": EOF"';
const transientStep = (timeoutSeconds: number) => step({
	success: [{pattern: 'checkin_interval_seconds=', description: 'the agent polled over mutual TLS'}],
	failures: [
		{pattern: 'short poll.*(connection refused|: EOF")', hint: 'The agent cannot reach Portainer yet.', transient: true},
		{pattern: 'short poll.*bad certificate', hint: 'The server rejected the client certificate.'},
	],
	timeoutSeconds,
});

test('a transient failure line (the server not listening yet) does not end the wait; the success line after it confirms', async t => {
	await withTool([{lines: [{text: notThereYet}, {text: notThereYet}, {text: 'DBG edge/poll.go:171 > | checkin_interval_seconds=5'}], then: 'hang'}], async env => {
		const outcome = await waitForLog(transientStep(600), recordingContext({env}));
		t.is(outcome.detail, 'confirmed: the agent polled over mutual TLS');
	});
});

test('when only transient failures come until the timeout, the result is not-confirmed and names the last one with its hint', async t => {
	await withTool([{lines: [{text: notThereYet}], then: 'hang'}], async env => {
		const logged = (lines: RecordedLine[]) => lines.some(line => line.line === notThereYet);
		const error = await t.throwsAsync(waitForLog(transientStep(10), recordingContext({env, timeOutWhen: logged})), {instanceOf: NotConfirmedError});
		t.regex(error!.hint ?? '', /^Last error logged: .*: EOF"\nThe agent cannot reach Portainer yet\./);
	});
});

test('a non-transient failure after transient ones still ends the wait at once', async t => {
	await withTool([{lines: [{text: notThereYet}, {text: 'ERR > an error occured during short poll | error="remote error: tls: bad certificate"'}], then: 'hang'}], async env => {
		await t.throwsAsync(waitForLog(transientStep(60), recordingContext({env})), {instanceOf: StepFailedError, message: /bad certificate/});
	});
});
