import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {NotConfirmedError} from '../../source/errors.js';
import type {WaitForLogStep} from '../../source/plan/types.js';
import {waitForLog} from '../../source/steps/wait-for-log.js';
import {startKubeEmulator} from '../support/kube-emulator/index.js';
import {runTool} from '../support/kube-emulator/run-tool.js';
import {kubectlPath} from '../support/kubectl.js';
import {recordingContext} from './support/step-context.js';

const fixture = fileURLToPath(new URL('../support/fixtures/print-mounted-file.mjs', import.meta.url));

const deployment = {
	apiVersion: 'apps/v1',
	kind: 'Deployment',
	metadata: {name: 'agent', namespace: 'demo'},
	spec: {
		selector: {matchLabels: {app: 'agent'}},
		template: {
			metadata: {labels: {app: 'agent'}},
			spec: {
				containers: [
					{
						name: 'main',
						image: 'stand-in/fixture:test',
						env: [{name: 'PRINT_FILES', value: '/etc/certs/status'}],
						volumeMounts: [{name: 'certs', mountPath: '/etc/certs', readOnly: true}],
					},
				],
				volumes: [{name: 'certs', secret: {secretName: 'agent-cert'}}],
			},
		},
	},
};

test('real kubectl against the emulator: a pod pending on a missing secret is explained, then confirmed once it starts', async t => {
	const kubectl = kubectlPath();
	const emulator = await startKubeEmulator({images: {'stand-in/fixture:test': ['node', fixture]}});
	const scratch = await mkdtemp(join(tmpdir(), 'mtls-wait-kube-'));
	t.teardown(async () => {
		await emulator.stop();
		await rm(scratch, {recursive: true, force: true});
	});
	const run = async (...args: string[]) => {
		const result = await runTool(kubectl, ['--context', emulator.context, ...args], {env: emulator.env});
		t.is(result.exitCode, 0, result.stderr);
	};

	await run('create', 'namespace', 'demo');
	const manifest = join(scratch, 'deployment.json');
	await writeFile(manifest, JSON.stringify(deployment));
	await run('apply', '-f', manifest);

	const step: WaitForLogStep = {
		id: 'confirm-agent',
		title: 'Wait for the agent',
		kind: 'wait-for-log',
		source: {kind: 'kubectl', resource: 'deployment/agent', container: 'main', namespace: 'demo', context: emulator.context},
		success: [{pattern: '/etc/certs/status: mtls-ready', description: 'the certificates are mounted'}],
		failures: [],
		timeoutSeconds: 8,
		timeoutHints: ['Check the agent-cert secret.'],
	};
	const env = {...process.env, ...emulator.env};
	const pending = await t.throwsAsync(waitForLog(step, recordingContext({env})), {instanceOf: NotConfirmedError});
	t.regex(pending.hint ?? '', /^The pod never started: FailedMount: MountVolume\.SetUp failed for volume "certs" : secret "agent-cert" not found/);
	t.regex(pending.hint ?? '', /Check the agent-cert secret\./);

	const status = join(scratch, 'status');
	await writeFile(status, 'mtls-ready\n');
	await run('-n', 'demo', 'create', 'secret', 'generic', 'agent-cert', `--from-file=status=${status}`);
	const context = recordingContext({env});
	const outcome = await waitForLog({...step, timeoutSeconds: 600}, context);
	t.is(outcome.detail, 'confirmed: the certificates are mounted');
	t.true(context.lines.some(line => line.line === '/etc/certs/status: mtls-ready'));
});
