import type {KubeRestartStep} from '../plan/types.js';
import {kubectlTarget} from './kube-flags.js';
import type {StepRunner} from './types.js';

/*
 * A pod reads its mounted secret when it starts, and a kubelet's refresh of a mounted secret is not a restart: a
 * TLS server keeps the certificate it loaded. `rollout restart` replaces the pods the way a changed template does,
 * one by one, so the workload stays up; `rollout status` waits until every new pod is ready.
 */
function selection(step: KubeRestartStep): string[] {
	return [step.resource, ...(step.selector ? ['-l', step.selector] : [])];
}

export const kubeRestartRunner: StepRunner<KubeRestartStep> = {
	kind: 'kube-restart',
	commands: step => [
		{file: 'kubectl', args: ['rollout', 'restart', ...selection(step), ...kubectlTarget(step)]},
		{
			file: 'kubectl',
			args: ['rollout', 'status', ...selection(step), ...kubectlTarget(step), `--timeout=${step.waitSeconds}s`],
			note: `Wait until the restarted ${step.selector ? `workloads labelled ${step.selector}` : step.resource} have rolled out.`,
		},
	],
	async run(step, context) {
		const [restart, status] = kubeRestartRunner.commands(step);
		const restarted = await context.run(restart!);
		await context.run(status!);
		const names = restarted.stdout.split('\n').map(line => line.replace(/ restarted$/, '').trim()).filter(Boolean);
		return {detail: `restarted and rolled out: ${names.length > 0 ? names.join(', ') : step.resource}`};
	},
};
