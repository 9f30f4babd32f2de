/**
 * Your files a deployment step reads when it runs (a helm values file, a local chart, a manifest applied as it is):
 * the plan names them as you gave them, relative to where you ran the wizard or absolute on this machine. A bundle's
 * apply.sh runs in the bundle, maybe on another machine, so an export names copies inside the bundle instead.
 */
import {basename, join} from 'node:path';
import {placeIn} from '../path-within.js';
import {isLocalChart} from './kubernetes-steps.js';
import type {CarriedFile, Plan, Step} from './types.js';

/** The bundle's directory of your files, beside the certificates. */
export const inputsDir = 'inputs';

/**
 * The plan (built into the bundle's directory) with every such file of yours named by its copy in `<outDir>/inputs/`,
 * listed in Plan.carried. Copies are 0600: a values file may hold what your deployment keeps secret.
 */
export function carryInputs(plan: Plan): Plan {
	const copies = new Map<string, string>();
	const taken = new Set<string>();
	const copyOf = (path: string): string => {
		const known = copies.get(path);
		if (known) return known;
		const name = basename(path);
		const plain = name === '' || name === '.' || name === '..' ? 'input' : name;
		let chosen = plain;
		for (let n = 2; taken.has(chosen); n++) chosen = `${n}-${plain}`;
		taken.add(chosen);
		const copy = join(plan.outDir, inputsDir, chosen);
		copies.set(path, copy);
		return copy;
	};

	const steps = plan.steps.map((step): Step => {
		if (step.kind === 'helm-release') {
			return {
				...step,
				...(isLocalChart(step.chart) ? {chart: copyOf(step.chart)} : {}),
				...(step.extraValuesFiles ? {extraValuesFiles: step.extraValuesFiles.map(copyOf)} : {}),
			};
		}

		// A patched manifest is written into the bundle from yours; one applied as it is must travel with it.
		if (step.kind === 'kubectl-apply' && !step.patchFrom && placeIn(plan.outDir, step.manifest) !== 'inside') return {...step, manifest: copyOf(step.manifest)};
		return step;
	});
	if (copies.size === 0) return plan;
	const carried: CarriedFile[] = [...copies].map(([from, to]) => ({from, to, mode: 0o600}));
	return {...plan, steps, carried: [...(plan.carried ?? []), ...carried]};
}
