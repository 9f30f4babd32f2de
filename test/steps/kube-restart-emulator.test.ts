import {execFile} from 'node:child_process';
import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import type {KubeRestartStep} from '../../source/plan/types.js';
import {kubeRestartRunner} from '../../source/steps/kube-restart.js';
import {startKubeEmulator} from '../support/kube-emulator/index.js';
import {tempDir} from '../support/temp-dir.js';
import {execContext} from './support/step-context.js';

type Exit = {exitCode: number; stdout: string; stderr: string};

test('a restart in the same second as the last one is tried again in the next second: kubectl refuses it as an empty patch', async t => {
	// A pod that stays up: the rollouts complete once the kubelet has started its replacement.
	const emulator = await startKubeEmulator({images: {'stand-in/idle:test': [process.execPath, '-e', 'setInterval(() => {}, 1e6)']}});
	t.teardown(async () => emulator.stop());
	// kubectl stamps in local time: UTC here, so the test's own stamp of this second is the same text.
	const env = {...emulator.env, TZ: 'UTC'};
	// The emulator serves from this process, so kubectl runs asynchronously.
	const kubectl = async (...args: string[]) =>
		new Promise<Exit>(resolve => {
			execFile('kubectl', ['--context', emulator.context, ...args], {env}, (error, stdout, stderr) => {
				resolve({exitCode: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr});
			});
		});
	const dir = await tempDir(t, 'mtls-kube-restart-');
	const manifest = join(dir, 'release.yaml');
	await writeFile(manifest, `apiVersion: v1
kind: Namespace
metadata: {name: restart-test}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: server, namespace: restart-test, labels: {app.kubernetes.io/instance: release}}
spec:
  selector: {matchLabels: {app: server}}
  template:
    metadata: {labels: {app: server}}
    spec:
      containers: [{name: main, image: stand-in/idle:test}]
`);
	const applied = await kubectl('apply', '-f', manifest);
	t.is(applied.exitCode, 0, applied.stderr);

	const step: KubeRestartStep = {id: 'restart', title: 'Restart', kind: 'kube-restart', namespace: 'restart-test', context: emulator.context, resource: 'deployment', selector: 'app.kubernetes.io/instance=release', waitSeconds: 120};
	t.regex((await kubeRestartRunner.run(step, execContext({env}))).detail ?? '', /restarted and rolled out: deployment\.apps\/server/);

	// Another restart stamped with a second still to come (kubectl stamps restartedAt to the second), then the step
	// as that second begins: kubectl's own restart in that second would be refused as an empty patch. The patch is
	// made before the second, so only the step's kubectl has to start within it; a loaded machine may still take
	// longer than a second for that, so the set-up is tried until the step met the refusal.
	const retried = /kubectl refuses a second restart in the same second: trying again in the next one/;
	let lines: string[] = [];
	for (let attempt = 0; attempt < 10 && !lines.some(line => retried.test(line)); attempt++) {
		const comingSecond = (Math.floor(Date.now() / 1000) + 2) * 1000;
		const patched = await kubectl('patch', 'deployment', 'server', '-n', 'restart-test', '-p', JSON.stringify({spec: {template: {metadata: {annotations: {'kubectl.kubernetes.io/restartedAt': `${new Date(comingSecond).toISOString().slice(0, 19)}Z`}}}}}));
		t.is(patched.exitCode, 0, patched.stderr);
		// A patch slower than the two seconds only makes this attempt miss.
		await new Promise(resolve => {
			setTimeout(resolve, Math.max(0, comingSecond - Date.now()));
		});
		const context = execContext({env});
		const outcome = await kubeRestartRunner.run(step, context);
		t.regex(outcome.detail ?? '', /restarted and rolled out: deployment\.apps\/server/);
		lines = context.lines.map(line => line.line);
	}

	t.true(lines.some(line => retried.test(line)), `the step never met a restart in the same second: ${JSON.stringify(lines)}`);
	const stamp = (await kubectl('get', 'deployment', 'server', '-n', 'restart-test', '-o', 'jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}')).stdout;
	t.regex(stamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});
