import {dirname} from 'node:path';
import {UsageError} from '../errors.js';
import {builtInNetworks, dockerNamePattern} from '../recipes/docker-names.js';
import type {RecipeProductStep} from '../recipes/recipe-schema.js';
import type {PlanContext, StepBase} from './plan-context.js';
import type {PortMapping, Step, SwarmServiceStep} from './types.js';

type RecipeStep<K extends RecipeProductStep['kind']> = Extract<RecipeProductStep, {kind: K}>;

/** A network name may come from an answer: the load-time check saw only the template. */
function networkName(ctx: PlanContext, template: string, where: string): string {
	const name = ctx.text(template, where);
	if (!dockerNamePattern.test(name)) {
		throw new UsageError(`${where}: ${JSON.stringify(name)} is not a Docker network name (a letter or digit, then letters, digits, _ . or -). Check the answers it is made from.`);
	}

	return name;
}

export function dockerRunStep(ctx: PlanContext, step: RecipeStep<'docker-run'>, base: StepBase, where: string): Step {
	const network = networkName(ctx, step.network, `${where}.network`);
	if (step.networkAliases.length > 0 && builtInNetworks.has(network)) {
		throw new UsageError(`${where}.networkAliases: network aliases work only on a user-defined network, not ${network}. Check the answers the network name is made from.`);
	}

	const userInScript = step.user ? ctx.textInScript(step.user, `${where}.user`) : undefined;
	return {
		...base,
		kind: 'docker-run',
		container: ctx.text(step.container, `${where}.container`),
		image: ctx.text(step.image, `${where}.image`),
		network,
		networkAliases: ctx.textList(step.networkAliases, `${where}.networkAliases`),
		ports: step.ports.map((port, index): PortMapping => {
			const at = `${where}.ports[${index}]`;
			return {
				published: ctx.number(port.published, `${at}.published`),
				target: ctx.number(port.target, `${at}.target`),
				...(port.hostIp ? {hostIp: ctx.text(port.hostIp, `${at}.hostIp`)} : {}),
			};
		}),
		mounts: step.mounts.map((mount, index) => renderMount(ctx, mount, `${where}.mounts[${index}]`)),
		env: ctx.textMap(step.env, `${where}.env`),
		secretEnv: ctx.secretMap(step.secretEnv),
		...(step.envFile ? {envFile: ctx.text(step.envFile, `${where}.envFile`)} : {}),
		...(step.user ? {user: ctx.text(step.user, `${where}.user`)} : {}),
		...(userInScript ? {userInScript} : {}),
		args: ctx.textList(step.args, `${where}.args`),
	};
}

export function dockerSecretStep(ctx: PlanContext, step: RecipeStep<'docker-secret'>, base: StepBase, where: string): Step {
	const file = ctx.text(step.file, `${where}.file`);
	// A certificate the plan issues: in the certificates directory, or a fleet agent's in its agents/<name>/.
	const certificate = (dirname(file) === ctx.pkiDir || dirname(dirname(file)) === ctx.agentsDir) && file.endsWith('.crt');
	return {...base, kind: 'docker-secret', name: ctx.text(step.name, `${where}.name`), file, ...(certificate ? {labelFingerprint: true} : {})};
}

export function dockerNetworkStep(ctx: PlanContext, step: RecipeStep<'docker-network'>, base: StepBase, where: string): Step {
	const name = networkName(ctx, step.name, `${where}.name`);
	if (builtInNetworks.has(name)) throw new UsageError(`${where}.name: ${name} exists on every engine; name a network of your own.`);
	return {...base, kind: 'docker-network', name, driver: step.driver, attachable: step.attachable ?? false};
}

function publishMode(ctx: PlanContext, template: string, where: string): 'ingress' | 'host' {
	const mode = ctx.text(template, where);
	if (mode !== 'ingress' && mode !== 'host') throw new UsageError(`${where}: ${JSON.stringify(mode)} is not a publish mode; expected ingress or host.`);
	return mode;
}

export function swarmServiceStep(ctx: PlanContext, step: RecipeStep<'swarm-service'>, base: StepBase, where: string): Step {
	const mode: SwarmServiceStep['mode'] = step.mode === 'global' ? {kind: 'global'} : {kind: 'replicated', replicas: ctx.number(step.replicas ?? 1, `${where}.replicas`)};
	return {
		...base,
		kind: 'swarm-service',
		service: ctx.text(step.service, `${where}.service`),
		image: ctx.text(step.image, `${where}.image`),
		network: networkName(ctx, step.network, `${where}.network`),
		mode,
		publish: step.publish.map((port, index) => {
			const at = `${where}.publish[${index}]`;
			return {published: ctx.number(port.published, `${at}.published`), target: ctx.number(port.target, `${at}.target`), mode: publishMode(ctx, port.mode, `${at}.mode`)};
		}),
		constraints: ctx.textList(step.constraints, `${where}.constraints`),
		secrets: step.secrets.map((s, index) => ({source: ctx.text(s.source, `${where}.secrets[${index}].source`), target: ctx.text(s.target, `${where}.secrets[${index}].target`)})),
		...(step.mounts ? {mounts: step.mounts.map((mount, index) => renderMount(ctx, mount, `${where}.mounts[${index}]`))} : {}),
		env: ctx.textMap(step.env, `${where}.env`),
		secretEnv: ctx.secretMap(step.secretEnv),
		args: ctx.textList(step.args, `${where}.args`),
	};
}

function renderMount(ctx: PlanContext, mount: {source: string; target: string; readOnly: boolean}, where: string) {
	return {source: ctx.text(mount.source, `${where}.source`), target: ctx.text(mount.target, `${where}.target`), readOnly: mount.readOnly};
}
