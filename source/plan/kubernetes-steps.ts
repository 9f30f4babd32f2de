import type {RecipeProductStep, TreeSpec} from '../recipes/recipe-schema.js';
import {deepMerge} from './deep-merge.js';
import {drop, type PlanContext, type StepBase} from './plan-context.js';
import type {ManifestPatch, Step} from './types.js';

export function kubeSecretStep(ctx: PlanContext, step: Extract<RecipeProductStep, {kind: 'kube-secret'}>, base: StepBase, where: string): Step {
	const secret: Step = {
		...base,
		...ctx.kube(step.namespace, where),
		kind: 'kube-secret',
		name: ctx.text(step.name, `${where}.name`),
		type: step.type,
		files: step.files
			.filter(file => ctx.holds(file.when))
			.map((file, index) => ({key: ctx.text(file.key, `${where}.files[${index}].key`), path: ctx.text(file.path, `${where}.files[${index}].path`)})),
		...(step.secretType ? {secretType: ctx.text(step.secretType, `${where}.secretType`)} : {}),
		createNamespace: step.createNamespace,
	};
	checkTlsSecret(ctx, secret, where);
	return secret;
}

/**
 * Kubernetes refuses a kubernetes.io/tls secret without tls.crt and tls.key, so a CA-only bundle of that type
 * would fail half-way through a run: refuse it here, before anything is issued or applied.
 */
function checkTlsSecret(ctx: PlanContext, secret: Extract<Step, {kind: 'kube-secret'}>, where: string): void {
	const tlsType = secret.type === 'tls' || secret.secretType === 'kubernetes.io/tls';
	const keys = secret.files.map(file => file.key);
	const missing = ['tls.crt', 'tls.key'].filter(key => !keys.includes(key));
	if (!tlsType || missing.length === 0) return;
	throw new Error(
		`recipe ${ctx.recipe.id}, ${where}: secret ${secret.name} is of type kubernetes.io/tls but has no ${missing.join(' or ')} (keys: ${keys.join(', ') || 'none'}). ` +
			'A kubernetes.io/tls secret must carry tls.crt and tls.key; a CA-only secret must be Opaque (type: generic without secretType).',
	);
}

/** A chart helm reads from disk (a directory or .tgz), not from a repository or URL. */
export function isLocalChart(chart: string): boolean {
	return chart.startsWith('.') || chart.startsWith('/') || chart.endsWith('.tgz');
}

/** Two steps: write the rendered values file, then install or upgrade the release with it. */
export function helmReleaseSteps(ctx: PlanContext, step: Extract<RecipeProductStep, {kind: 'helm-release'}>, base: StepBase, where: string): Step[] {
	let values = ctx.tree(step.values, `${where}.values`);
	for (const [index, overlay] of (step.valuesWhen ?? []).entries()) {
		if (ctx.holds(overlay.when)) values = deepMerge(values, ctx.tree(overlay.values, `${where}.valuesWhen[${index}].values`));
	}

	const valuesFile = ctx.text(step.valuesFile, `${where}.valuesFile`);
	const chart = ctx.text(step.chart, `${where}.chart`);
	const local = isLocalChart(chart);
	const repo = step.repo ? {name: ctx.text(step.repo.name, `${where}.repo.name`), url: ctx.text(step.repo.url, `${where}.repo.url`)} : undefined;
	const version = step.version === undefined || local ? '' : ctx.text(step.version, `${where}.version`);
	const extraValuesFiles = (step.extraValuesFiles ?? []).flatMap((file, index) =>
		hasAllAnswers(ctx, file) ? [ctx.text(file, `${where}.extraValuesFiles[${index}]`)] : [],
	);
	const mustNotSet = extraValuesFiles.length === 0 ? [] : (step.extraValuesMustNotSet ?? []).filter(rule => ctx.holds(rule.when)).map(({key, reason}) => ({key, reason}));
	// In a fleet each agent has its own values: the plan and the run screen tell them apart by the agent's name.
	const agent = ctx.fleetAgent();
	return [
		{
			id: `${step.id}-values`,
			kind: 'write-files',
			title: `Write the helm values for ${base.id.replace(/^helm-/, '')}${agent === undefined ? '' : ` of agent ${agent}`}`,
			files: [{path: valuesFile, contents: {yaml: values}, mode: 0o600}],
		},
		{
			...base,
			...ctx.kube(step.namespace, where),
			kind: 'helm-release',
			release: ctx.text(step.release, `${where}.release`),
			chart,
			...(repo && chart.startsWith(`${repo.name}/`) ? {repo} : {}),
			...(version === '' ? {} : {version}),
			...(extraValuesFiles.length > 0 ? {extraValuesFiles} : {}),
			...(mustNotSet.length > 0 ? {extraValuesMustNotSet: mustNotSet} : {}),
			valuesFile,
			createNamespace: step.createNamespace,
			waitSeconds: ctx.number(step.waitSeconds, `${where}.waitSeconds`),
		},
	];
}

/** extraValuesFiles name optional answers: a file the user did not give is simply not passed. */
function hasAllAnswers(ctx: PlanContext, template: string): boolean {
	return [...template.matchAll(/{{\s*answers\.([^{}\s]+)\s*}}/g)].every(match => ctx.answers[match[1] ?? ''] !== undefined);
}

export function kubectlApplyStep(ctx: PlanContext, step: Extract<RecipeProductStep, {kind: 'kubectl-apply'}>, base: StepBase, where: string): Step {
	return {
		...base,
		...ctx.kube(step.namespace, where),
		kind: 'kubectl-apply',
		manifest: ctx.text(step.manifest, `${where}.manifest`),
		...(step.patchFrom
			? {
					patchFrom: {
						source: ctx.text(step.patchFrom.source, `${where}.patchFrom.source`),
						patches: step.patchFrom.patches.map((patch, index) => manifestPatch(ctx, patch, `${where}.patchFrom.patches[${index}]`)),
					},
				}
			: {}),
		...(step.rolloutResource ? {rolloutResource: ctx.text(step.rolloutResource, `${where}.rolloutResource`)} : {}),
		waitSeconds: ctx.number(step.waitSeconds, `${where}.waitSeconds`),
	};
}

type ManifestPatchSpec = {kind: string; name?: string; description: string; op: ManifestPatch['op']; path: string; value: TreeSpec};

function manifestPatch(ctx: PlanContext, patch: ManifestPatchSpec, where: string): ManifestPatch {
	const value = ctx.treeValue(patch.value, `${where}.value`);
	if (value === drop || value === null || typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'object' && 'secret' in value && Object.keys(value).length === 1)) {
		throw new Error(`recipe ${ctx.recipe.id}: ${where}.value must be a map, a list or a string`);
	}

	return {
		kind: patch.kind,
		...(patch.name ? {name: ctx.text(patch.name, `${where}.name`)} : {}),
		description: ctx.text(patch.description, `${where}.description`),
		op: patch.op,
		path: ctx.text(patch.path, `${where}.path`),
		value: value as ManifestPatch['value'],
	};
}

/**
 * Several steps of a plan may put things in one namespace (three secrets and a release for Steadybit): only the
 * first creates it, so the review lists one namespace manifest and one `kubectl create namespace`, not one per
 * step. A later step finds it there: steps run in order, and a step after it runs only once it is done.
 */
export function createEachNamespaceOnce(steps: Step[]): Step[] {
	const created = new Set<string>();
	return steps.map(step => {
		if ((step.kind !== 'kube-secret' && step.kind !== 'helm-release') || !step.createNamespace) return step;
		const where = JSON.stringify([step.context ?? '', step.namespace]);
		if (!created.has(where)) {
			created.add(where);
			return step;
		}

		return {...step, createNamespace: false};
	});
}
