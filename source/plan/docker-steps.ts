import type {RecipeProductStep} from '../recipes/recipe-schema.js';
import type {PlanContext, StepBase} from './plan-context.js';
import type {Step} from './types.js';

export function dockerRunStep(ctx: PlanContext, step: Extract<RecipeProductStep, {kind: 'docker-run'}>, base: StepBase, where: string): Step {
	return {
		...base,
		kind: 'docker-run',
		container: ctx.text(step.container, `${where}.container`),
		image: ctx.text(step.image, `${where}.image`),
		network: step.network,
		mounts: step.mounts.map((mount, index) => renderMount(ctx, mount, `${where}.mounts[${index}]`)),
		env: ctx.textMap(step.env, `${where}.env`),
		secretEnv: ctx.secretMap(step.secretEnv),
		...(step.envFile ? {envFile: ctx.text(step.envFile, `${where}.envFile`)} : {}),
		...(step.user ? {user: ctx.text(step.user, `${where}.user`)} : {}),
		args: ctx.textList(step.args, `${where}.args`),
	};
}

export function dockerSecretStep(ctx: PlanContext, step: Extract<RecipeProductStep, {kind: 'docker-secret'}>, base: StepBase, where: string): Step {
	return {...base, kind: 'docker-secret', name: ctx.text(step.name, `${where}.name`), file: ctx.text(step.file, `${where}.file`)};
}

export function swarmServiceStep(ctx: PlanContext, step: Extract<RecipeProductStep, {kind: 'swarm-service'}>, base: StepBase, where: string): Step {
	return {
		...base,
		kind: 'swarm-service',
		service: ctx.text(step.service, `${where}.service`),
		image: ctx.text(step.image, `${where}.image`),
		network: step.network,
		secrets: step.secrets.map((s, index) => ({source: ctx.text(s.source, `${where}.secrets[${index}].source`), target: ctx.text(s.target, `${where}.secrets[${index}].target`)})),
		...(step.mounts ? {mounts: step.mounts.map((mount, index) => renderMount(ctx, mount, `${where}.mounts[${index}]`))} : {}),
		env: ctx.textMap(step.env, `${where}.env`),
		secretEnv: ctx.secretMap(step.secretEnv),
		args: ctx.textList(step.args, `${where}.args`),
		replicas: ctx.number(step.replicas, `${where}.replicas`),
	};
}

function renderMount(ctx: PlanContext, mount: {source: string; target: string; readOnly: boolean}, where: string) {
	return {source: ctx.text(mount.source, `${where}.source`), target: ctx.text(mount.target, `${where}.target`), readOnly: mount.readOnly};
}
