import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {StepFailedError} from '../../source/errors.js';
import {quoteCommand} from '../../source/exec/shell-quote.js';
import type {HelmReleaseStep} from '../../source/plan/types.js';
import {helmReleaseRunner} from '../../source/steps/helm-release.js';
import {tempDir} from '../support/temp-dir.js';
import {recordingContext} from './support/step-context.js';

const reason = 'the passthrough mode requires ingress.tls to be absent';

function release(files: string[]): HelmReleaseStep {
	return {
		id: 'helm-connectivity-proxy',
		title: 'Install',
		kind: 'helm-release',
		namespace: 'connectivity-proxy',
		release: 'connectivity-proxy',
		chart: './connectivity-proxy',
		extraValuesFiles: files,
		extraValuesMustNotSet: [{key: 'ingress.tls', reason}],
		valuesFile: '/o/values/connectivity-proxy.yaml',
		createNamespace: true,
		waitSeconds: 60,
	};
}

test('a base values file that sets ingress.tls is refused before helm runs, naming the file and the key', async t => {
	const dir = await tempDir(t, 'mtls-helm-values-');
	const base = join(dir, 'base.yaml');
	await writeFile(base, 'image: {repository: mirror.example.com/connectivity-proxy}\ningress:\n  className: nginx\n  tls:\n    secretName: connectivity-tls\n');
	// recordingContext fails the test if a command runs: the refusal comes first.
	const error = await t.throwsAsync(helmReleaseRunner.run(release([base]), recordingContext()), {instanceOf: StepFailedError});
	t.is(error?.message, `${base}: sets ingress.tls, but ${reason}`);
	t.regex((error as StepFailedError).hint ?? '', new RegExp(`^Remove ingress\\.tls from ${base.replaceAll('.', '\\.')}`));
});

test('a base values file without ingress.tls (or with it null, which helm treats as unset) goes to helm', async t => {
	const dir = await tempDir(t, 'mtls-helm-values-');
	const files = [join(dir, 'mirror.yaml'), join(dir, 'null.yaml')];
	await writeFile(files[0]!, 'image: {repository: mirror.example.com/connectivity-proxy}\ningress: {className: nginx}\n');
	await writeFile(files[1]!, 'ingress:\n  tls: null\n');
	const ran: string[] = [];
	const context = recordingContext();
	context.run = async command => {
		const display = quoteCommand(command);
		ran.push(display);
		return {exitCode: 0, stdout: '', stderr: '', display};
	};

	await helmReleaseRunner.run(release(files), context);
	t.is(ran.length, 1);
	t.true(ran[0]!.startsWith(`helm upgrade --install connectivity-proxy ./connectivity-proxy -n connectivity-proxy --create-namespace -f ${files[0]} -f ${files[1]} -f /o/values/connectivity-proxy.yaml`));
});

test('a base values file that cannot be read is named', async t => {
	const dir = await tempDir(t, 'mtls-helm-values-');
	const missing = join(dir, 'missing.yaml');
	const error = await t.throwsAsync(helmReleaseRunner.run(release([missing]), recordingContext()), {instanceOf: StepFailedError});
	t.is(error?.message, `${missing}: cannot read your values file (ENOENT)`);
});
