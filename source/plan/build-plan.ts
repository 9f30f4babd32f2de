/**
 * (recipe, target, answers) → Plan. Pure: no I/O, no clock, no randomness, so the same inputs always give the
 * same plan and the same step ids (sessions record progress by id). Every plan issues the certificates and
 * proves them with a local mutual-TLS handshake before any product step touches a cluster or an engine.
 */
import {UsageError} from '../errors.js';
import {checkTarget} from '../recipes/recipe-targets.js';
import type {Recipe} from '../recipes/recipe-schema.js';
import {certificateSteps} from './certificate-steps.js';
import {confirmationStep} from './confirmation-steps.js';
import {createEachNamespaceOnce} from './kubernetes-steps.js';
import {markOverlappingSteps} from './overlapping-steps.js';
import {PlanContext} from './plan-context.js';
import {productSteps} from './product-steps.js';
import type {Plan, Step, TargetId, WriteFilesStep} from './types.js';
import path from 'node:path';
import type {AgentPlacement} from './plan-context.js';

export type PlanAnswers = Readonly<Record<string, string | number | boolean>>;

export type BuildPlanOptions = {
	/** Where certificates (<outDir>/certs) and generated files go. */
	outDir: string;
	/** Secret answers that were given (values stay with the caller); optional secrets not listed are left out. */
	secretAnswerIds?: readonly string[];
	/** kubectl/helm --context for every Kubernetes step. */
	context?: string;
	/**
	 * --context given more than once (Kubernetes targets): the same deployment and confirmation steps run in each
	 * context in turn, their ids and titles naming it; the certificates are issued and proved once.
	 */
	contexts?: readonly string[];
	/**
	 * The ids of the user running the wizard, read by the command layer (the planner does no I/O): recipes use
	 * them as {{invoker.uid}} and {{invoker.gid}}, e.g. to run a container as the owner of the key files it reads.
	 */
	invoker?: {uid: number; gid: number};
	/** caMode=csr on resume: the directory (absolute) of the certificates signed outside the wizard. */
	signedDir?: string;
};

export function buildPlan(recipe: Recipe, target: TargetId, answers: PlanAnswers, options: BuildPlanOptions): Plan {
	const targetId = checkTarget(recipe, target);
	const spec = recipe.targets[targetId]!;
	const contexts = options.contexts ?? [];
	if (contexts.length > 1 && targetId !== 'helm' && targetId !== 'kubectl') {
		throw new UsageError(`--context: given ${contexts.length} times, but --target ${targetId} deploys to no Kubernetes context. Give --context once, or use a helm or kubectl target.`);
	}

	const withAgents = (answered: PlanContext) => {
		const agents = answered.agentPlacements();
		// Steps planned once for the whole plan that name the agent's files (a probe with its certificate) use the first agent's.
		return {agents, ctx: agents[0] ? answered.forAgent(agents[0]) : answered};
	};

	const {agents, ctx} = withAgents(new PlanContext(recipe, targetId, answers, contexts.length > 1 ? {...options, context: contexts[0]!} : options));
	const certificates = spec.certificates ?? recipe.certificates;
	const steps: Step[] = [...certificateSteps(ctx, certificates)];
	const fleet = agents[0]?.suffix === '' ? [] : agents;
	if (fleet.length > 0) steps.push(agentBundleStep(ctx, fleet));
	const perContext = contexts.length > 1 ? contexts.map(context => ({suffix: `@${context}`, ...withAgents(new PlanContext(recipe, targetId, answers, {...options, context}))})) : [{suffix: '', agents, ctx}];
	for (const {suffix, agents: contextAgents, ctx: contextCtx} of perContext) {
		// A step marked forEachAgent is planned once per agent; in a fleet its id carries the agent's name.
		const expand = <S extends {forEachAgent?: boolean | undefined}>(step: S, plan: (agentCtx: PlanContext) => Step[]): Step[] =>
			step.forEachAgent
				? contextAgents.flatMap(agent => plan(contextCtx.forAgent(agent)).map(planned => (agent.suffix === '' ? planned : {...planned, id: `${planned.id}${agent.suffix}`})))
				: plan(contextCtx);
		const named = (planned: Step[]) => (suffix === '' ? planned : planned.map(step => ({...step, id: `${step.id}${suffix}`, title: `${step.title} (context ${suffix.slice(1)})`})));
		for (const [index, step] of spec.steps.entries()) {
			if (contextCtx.holds(step.when)) steps.push(...named(expand(step, agentCtx => productSteps(agentCtx, step, `targets.${targetId}.steps[${index}]`))));
		}

		for (const [index, step] of spec.confirm.entries()) {
			if (contextCtx.holds(step.when)) steps.push(...named(expand(step, agentCtx => [confirmationStep(agentCtx, step, `targets.${targetId}.confirm[${index}]`)])));
		}
	}

	const seen = new Set<string>();
	for (const step of steps) {
		if (seen.has(step.id)) throw new Error(`recipe ${recipe.id}, target ${targetId}: two steps have the id ${step.id}`);
		seen.add(step.id);
	}

	return {
		recipe: recipe.id,
		recipeDigest: recipe.digest,
		target: targetId,
		answers: {...answers},
		secretAnswers: ctx.secretQuestions.filter(q => q.required || ctx.hasSecret(q.id)).map(q => q.id),
		outDir: options.outDir,
		steps: markOverlappingSteps(createEachNamespaceOnce(steps)),
	};
}

/** Each agent's bundle agents/<name>/: beside its certificate, key and CA, the exact env and flags it runs with. */
function agentBundleStep(ctx: PlanContext, fleet: AgentPlacement[]): WriteFilesStep {
	const bundle = ctx.recipe.agents!.bundle;
	return {
		id: 'agent-bundles',
		kind: 'write-files',
		title: `Write the bundles of ${fleet.length} agents (${bundle.map(file => file.name).join(', ')} beside each certificate)`,
		files: fleet.flatMap(agent => {
			const agentCtx = ctx.forAgent(agent);
			return bundle.map((file, index) => ({path: path.join(agent.dir, file.name), contents: agentCtx.text(file.contents, `agents.bundle[${index}].contents`), mode: file.mode}));
		}),
	};
}
