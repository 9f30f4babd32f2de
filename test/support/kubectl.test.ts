import {chmod, mkdir, writeFile} from 'node:fs/promises';
import {delimiter, join} from 'node:path';
import test from 'ava';
import {kubectlPath} from './kubectl.js';
import {tempDir} from './temp-dir.js';

test('kubectlPath takes the first executable kubectl on PATH, passing over a directory and a non-executable file', async t => {
	const root = await tempDir(t, 'mtls-kubectl-path-');
	const [empty, notExecutable, directory, first, second] = ['empty', 'not-executable', 'directory', 'first', 'second'].map(name => join(root, name));
	for (const dir of [empty, notExecutable, directory, first, second]) await mkdir(dir!);
	await writeFile(join(notExecutable!, 'kubectl'), '#!/bin/sh\n', {mode: 0o644});
	await mkdir(join(directory!, 'kubectl'));
	for (const dir of [first!, second!]) {
		await writeFile(join(dir, 'kubectl'), '#!/bin/sh\n');
		await chmod(join(dir, 'kubectl'), 0o755);
	}

	t.is(kubectlPath([empty, notExecutable, directory, first, second].join(delimiter)), join(first!, 'kubectl'));
});

test('kubectlPath without kubectl on PATH names what is missing and where it looked', async t => {
	const empty = await tempDir(t, 'mtls-kubectl-path-');
	const error = t.throws(() => kubectlPath(empty));
	t.is(error?.message, `kubectl is missing: no executable kubectl on PATH (${empty}); install kubectl (Debian package kubernetes-client) to run the tests that drive the Kubernetes emulator`);
	t.regex(t.throws(() => kubectlPath(''))?.message ?? '', /PATH is empty/);
});
