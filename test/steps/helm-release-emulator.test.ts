import {writeFile} from 'node:fs/promises';
import {delimiter, dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {StepFailedError} from '../../source/errors.js';
import type {HelmReleaseStep} from '../../source/plan/types.js';
import {helmReleaseRunner} from '../../source/steps/helm-release.js';
import {helmPath} from '../support/helm.js';
import {startKubeEmulator} from '../support/kube-emulator/index.js';
import {execContext} from './support/step-context.js';
import {tempDir} from '../support/temp-dir.js';

const chart = fileURLToPath(new URL('../support/charts/connectivity-proxy', import.meta.url));

test('a release whose pod waits for a missing secret fails naming the secret, not only "timed out"', async t => {
	const emulator = await startKubeEmulator({images: {'stand-in/fixture:test': [process.execPath, '-e', 'setInterval(() => {}, 1000)']}});
	t.teardown(async () => emulator.stop());
	const dir = await tempDir(t, 'mtls-helm-');
	const valuesFile = join(dir, 'values.json');
	await writeFile(
		valuesFile,
		JSON.stringify({
			image: {repository: 'stand-in/fixture', tag: 'test'},
			config: {servers: {businessDataTunnel: {enableTls: true, externalHost: 'cp.example.test'}}},
			secretConfig: {servers: {businessDataTunnel: {secretName: 'connectivity-tls'}}},
		}),
	);
	const step: HelmReleaseStep = {
		id: 'helm-connectivity-proxy',
		title: 'Install the connectivity proxy',
		kind: 'helm-release',
		namespace: 'sap',
		context: emulator.context,
		release: 'connectivity-proxy',
		chart,
		valuesFile,
		createNamespace: true,
		waitSeconds: 5,
	};
	const env = {...emulator.env, PATH: `${dirname(helmPath())}${delimiter}${process.env['PATH'] ?? ''}`};
	const error = await t.throwsAsync(helmReleaseRunner.run(step, execContext({env})), {instanceOf: StepFailedError});
	t.is(error?.message, 'release sap/connectivity-proxy did not become ready within 5s');
	t.regex(error?.hint ?? '', /^A pod of the release never started: FailedMount: .*secret "connectivity-tls" not found/);
});
