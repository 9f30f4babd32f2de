import {readFile, readdir, stat} from 'node:fs/promises';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {parse} from 'yaml';
import {StepFailedError} from '../../source/errors.js';
import type {WriteFilesStep} from '../../source/plan/types.js';
import {writeFilesRunner} from '../../source/steps/write-files.js';
import {recordingContext} from './support/step-context.js';
import {tempDir} from '../support/temp-dir.js';

async function filesStep(t: ExecutionContext): Promise<WriteFilesStep> {
	const dir = await tempDir(t, 'mtls-write-');
	return {
		id: 'files',
		title: 'Write',
		kind: 'write-files',
		files: [
			{path: join(dir, 'values.yaml'), contents: {yaml: {delegateToken: {secret: 'delegateToken'}, mTLS: {secretName: 'client-certificate'}, replicas: 1}}, mode: 0o644},
			{path: join(dir, 'agent.env'), contents: {envFile: {TOKEN: {secret: 'delegateToken'}, MODE: 'strict'}}, mode: 0o644},
			{path: join(dir, 'notes.txt'), contents: 'plain text\n', mode: 0o644},
		],
	};
}

test('resolves secrets into yaml and env files, which are 0600 whatever the plan asked; plain files keep their mode', async t => {
	const step = await filesStep(t);
	await writeFilesRunner.run(step, recordingContext({secrets: {delegateToken: 's3cr3t-TOKEN'}}));
	const [values, env, notes] = step.files.map(f => f.path) as [string, string, string];
	t.deepEqual(parse(await readFile(values, 'utf8')), {delegateToken: 's3cr3t-TOKEN', mTLS: {secretName: 'client-certificate'}, replicas: 1});
	t.is(await readFile(env, 'utf8'), 'TOKEN=s3cr3t-TOKEN\nMODE=strict\n');
	t.is((await stat(values)).mode & 0o777, 0o600);
	t.is((await stat(env)).mode & 0o777, 0o600);
	t.is((await stat(notes)).mode & 0o777, 0o644);
	t.deepEqual(writeFilesRunner.files?.(step).map(f => f.preview), ['delegateToken: <redacted>\nmTLS:\n  secretName: client-certificate\nreplicas: 1\n', 'TOKEN=<redacted>\nMODE=strict\n', 'plain text\n']);
});

test('a missing secret answer fails before any file is written, naming the answer only', async t => {
	const step = await filesStep(t);
	const error = await t.throwsAsync(writeFilesRunner.run(step, recordingContext()), {instanceOf: StepFailedError});
	t.is(error?.message, "The secret answer 'delegateToken' is not available (secret answers are never saved).");
	t.deepEqual(await readdir(join(step.files[0]!.path, '..')), []);
});
