import {readFile} from 'node:fs/promises';
import {parse} from 'yaml';
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

function setsKey(tree: unknown, key: string): boolean {
	let node = tree;
	for (const part of key.split('.')) {
		if (typeof node !== 'object' || node === null || Array.isArray(node) || !(part in node)) return false;
		node = (node as Record<string, unknown>)[part];
	}

	// helm treats a null as "not set" (it even removes a chart default), so only a value counts.
	return node !== null && node !== undefined;
}

/** Checked before helm runs: helm would merge the forbidden key in silently, and the release would be wrong. */
async function refuseForbiddenValues(step: HelmReleaseStep): Promise<void> {
	const rules = step.extraValuesMustNotSet ?? [];
	if (rules.length === 0) return;
	for (const file of step.extraValuesFiles ?? []) {
		let tree: unknown;
		try {
			tree = parse(await readFile(file, 'utf8'));
		} catch (error) {
			const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message.split('\n')[0];
			throw new StepFailedError(`${file}: cannot read your values file (${reason})`, step.id, 'Check the path you gave and that the file is valid YAML.');
		}

		const rule = rules.find(r => setsKey(tree, r.key));
		if (rule) {
			throw new StepFailedError(
				`${file}: sets ${rule.key}, but ${rule.reason}`,
				step.id,
				`Remove ${rule.key} from ${file} (or give a copy without it), then run again; the certificates and secrets made so far are reused.`,
			);
		}
	}
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
			note: [
				`Install or upgrade release ${step.release} in ${step.namespace} and wait until its workloads are ready.`,
				...(step.extraValuesMustNotSet ?? []).map(rule => `Your values files must not set ${rule.key}: ${rule.reason}.`),
			].join(' '),
		},
	],
	async run(step, context) {
		await refuseForbiddenValues(step);
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
