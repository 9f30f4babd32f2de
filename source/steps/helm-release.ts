import type {HelmReleaseStep} from '../plan/types.js';
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
		for (const command of helmReleaseRunner.commands(step)) await context.run(command);
		return {detail: `release ${step.namespace}/${step.release} installed or upgraded`};
	},
};
