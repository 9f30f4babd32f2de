import type {RecipeProductStep} from '../recipes/recipe-schema.js';
import {dockerNetworkStep, dockerRunStep, dockerSecretStep, swarmServiceStep} from './docker-steps.js';
import {helmReleaseSteps, kubectlApplyStep, kubeSecretStep} from './kubernetes-steps.js';
import {drop, type PlanContext} from './plan-context.js';
import type {FileToWrite, MaybeSecret, Step} from './types.js';

/** One recipe product step as plan steps (a helm release becomes two: its values file, then the release). */
export function productSteps(ctx: PlanContext, step: RecipeProductStep, where: string): Step[] {
	const base = {id: step.id, title: ctx.text(step.title, `${where}.title`)};
	switch (step.kind) {
		case 'kube-secret':
			return [kubeSecretStep(ctx, step, base, where)];
		case 'helm-release':
			return helmReleaseSteps(ctx, step, base, where);
		case 'kubectl-apply':
			return [kubectlApplyStep(ctx, step, base, where)];
		case 'docker-run':
			return [dockerRunStep(ctx, step, base, where)];
		case 'docker-secret':
			return [dockerSecretStep(ctx, step, base, where)];
		case 'docker-network':
			return [dockerNetworkStep(ctx, step, base, where)];
		case 'swarm-service':
			return [swarmServiceStep(ctx, step, base, where)];
		case 'write-files':
			return [{...base, kind: 'write-files', files: step.files.map((file, index) => fileToWrite(ctx, file, `${where}.files[${index}]`))}];
		case 'manual':
			return [{...base, kind: 'manual', instructions: ctx.textList(step.instructions, `${where}.instructions`)}];
	}
}

function fileToWrite(ctx: PlanContext, file: Extract<RecipeProductStep, {kind: 'write-files'}>['files'][number], where: string): FileToWrite {
	const contents = file.contents;
	if (typeof contents === 'string') return {path: ctx.text(file.path, `${where}.path`), contents: ctx.text(contents, `${where}.contents`), mode: file.mode};
	if ('yaml' in contents) return {path: ctx.text(file.path, `${where}.path`), contents: {yaml: ctx.tree(contents.yaml, `${where}.contents.yaml`)}, mode: file.mode};
	const envFile: Record<string, MaybeSecret> = {};
	for (const [key, value] of Object.entries(contents.envFile)) {
		const rendered = typeof value === 'string' ? ctx.text(value, `${where}.contents.envFile.${key}`) : ctx.secret(value.$secret);
		if (rendered !== drop) envFile[key] = rendered;
	}

	return {path: ctx.text(file.path, `${where}.path`), contents: {envFile}, mode: file.mode};
}
