import test from 'ava';
import {StepFailedError} from '../../source/errors.js';
import {streamLines} from '../../source/exec/stream-lines.js';
import {fakeToolDir} from '../support/fake-tools.js';
import {tempDir} from '../support/temp-dir.js';

const follower = `#!${process.execPath}
let n = 0;
setInterval(() => { console.log('tick ' + n); console.error('err ' + n); n++; }, 20);
`;

function isRunning(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

test('stop() ends a follower, done resolves after it exited, and no process is left', async t => {
	const {env} = await fakeToolDir(t, {docker: follower});
	const lines: string[] = [];
	let stream: ReturnType<typeof streamLines> | undefined;
	stream = streamLines({file: 'docker', args: ['logs', '-f', 'agent']}, {
		env,
		signal: new AbortController().signal,
		onLine({line, stream: from}) {
			lines.push(`${from}:${line}`);
			if (line === 'tick 2') stream?.stop();
		},
	});
	const end = await stream.done;
	t.true(end.stopped);
	t.is(end.exitCode, undefined);
	t.true(lines.includes('stdout:tick 0') && lines.includes('stderr:err 0') && lines.includes('stdout:tick 2'));
	t.truthy(end.pid);
	t.false(isRunning(end.pid!));
});

test('the caller signal stops a follower too', async t => {
	const {env} = await fakeToolDir(t, {kubectl: follower});
	const controller = new AbortController();
	const stream = streamLines({file: 'kubectl', args: ['logs', '-f', 'deploy/x']}, {env, signal: controller.signal, onLine: () => controller.abort()});
	const end = await stream.done;
	t.true(end.stopped);
	t.false(isRunning(end.pid!));
});

test('a follower that ends by itself reports its exit code', async t => {
	const {env} = await fakeToolDir(t, {kubectl: '#!/bin/sh\necho only\nexit 4\n'});
	const lines: string[] = [];
	const end = await streamLines({file: 'kubectl', args: ['logs', 'x']}, {env, signal: new AbortController().signal, onLine: l => lines.push(l.line)}).done;
	t.deepEqual(end, {exitCode: 4, stopped: false, pid: end.pid});
	t.deepEqual(lines, ['only']);
});

test('a missing tool rejects done with the install hint', async t => {
	const empty = await tempDir(t, 'mtls-empty-path-');
	const error = await t.throwsAsync(streamLines({file: 'docker', args: ['logs', '-f', 'x']}, {env: {PATH: empty}, signal: new AbortController().signal, onLine() {}}).done, {
		instanceOf: StepFailedError,
	});
	t.is(error?.message, 'docker was not found on PATH. Install the docker CLI or add it to PATH.');
});
