import {StepFailedError} from '../errors.js';
import type {HelmReleaseStep} from '../plan/types.js';
import {pendingPodReason} from './pending-pod-reason.js';
import type {StepRunner} from './types.js';

/** With --repo the chart is named bare; a "repo/chart" reference keeps working whether or not the repo was added. */
function chartArgs(step: HelmReleaseStep): string[] {
	if (!step.repo) return [step.chart];
	const prefix = `${step.repo.name}/`;
	const chart = step.chart.startsWith(prefix) ? step.chart.slice(prefix.length) : step.chart;
	return [chart, '--repo', step.repo.url];
}

export const helmReleaseRunner: StepRunner<HelmReleaseStep> = {
	kind: 'helm-release',
	commands: step => [
		{
			file: 'helm',
			args: [
				'upgrade',
				'--install',
				step.release,
				...chartArgs(step),
				'-n',
				step.namespace,
				...(step.createNamespace ? ['--create-namespace'] : []),
				...(step.version ? ['--version', step.version] : []),
				...(step.extraValuesFiles ?? []).flatMap(file => ['-f', file]),
				'-f',
				step.valuesFile,
				'--wait',
				'--timeout',
				`${step.waitSeconds}s`,
				...(step.context ? ['--kube-context', step.context] : []),
			],
			note: `Install or upgrade release ${step.release} in ${step.namespace} and wait until its workloads are ready.`,
		},
	],
	async run(step, context) {
		try {
			for (const command of helmReleaseRunner.commands(step)) await context.run(command);
		} catch (error) {
			if (!(error instanceof StepFailedError) || context.signal.aborted) throw error;
			// helm --wait only says it timed out; a pod of the release that never started says why (a missing secret or key).
			const reason = await pendingPodReason(step, `release/${step.release}`, {env: context.env, signal: context.signal});
			if (!reason) throw error;
			throw new StepFailedError(`release ${step.namespace}/${step.release} did not become ready within ${step.waitSeconds}s`, step.id, `A pod of the release never started: ${reason}`);
		}

		return {detail: `release ${step.namespace}/${step.release} installed or upgraded`};
	},
};
