import {resolve} from 'node:path';
import {exitCodes, UsageError} from '../errors.js';
import {invokerIds} from '../environment/invoker.js';
import {buildPlan} from '../plan/build-plan.js';
import {startKeysAhead} from '../steps/keys-ahead.js';
import type {Plan, TargetId} from '../plan/types.js';
import {checkAnswerFiles} from '../recipes/check-answer-files.js';
import {collectAnswers} from '../recipes/collect-answers.js';
import {loadRecipe} from '../recipes/load-recipes.js';
import type {Recipe} from '../recipes/recipe-schema.js';
import {checkOutDir} from './check-out-dir.js';
import {confirmRun} from './confirm-run.js';

export type RunOptions = {
	target: string;
	answers?: string;
	set?: string[];
	agentsFile?: string;
	out?: string;
	context?: string[];
	yes?: boolean;
	json?: boolean;
	dryRun?: boolean;
	export?: string;
};

/** --agents-file as the `agents` answer it makes; each bad line was refused naming FILE:LINE. */
async function agentsFromFile(recipe: Recipe, options: RunOptions): Promise<string[]> {
	if (options.agentsFile === undefined) return [];
	if (!recipe.agents) throw new UsageError(`--agents-file: recipe ${recipe.id} has no agent side. Leave --agents-file out.`);
	const fleetTargets = recipe.agents.targets;
	if (fleetTargets && options.target in recipe.targets && !fleetTargets.includes(options.target as TargetId)) {
		throw new UsageError(`--agents-file: ${recipe.id} --target ${options.target} deploys one agent, so it takes no fleet. Use --target ${fleetTargets.join(', ')}, or leave --agents-file out.`);
	}

	if (options.set?.some(set => set.startsWith('agents='))) throw new UsageError('--agents-file: not with --set agents=…. Give the agents one way.');
	const {readAgentsFile} = await import('../recipes/agent-list.js');
	return [`agents=${await readAgentsFile(options.agentsFile)}`];
}

/** `mtls-wizard run RECIPE --target T ...`: the headless run, or its plan printed (--dry-run) or exported (--export DIR). */
export async function runCommand(recipeId: string, options: RunOptions): Promise<number> {
	const contexts = [...new Set(options.context ?? [])];
	if (contexts.includes('')) throw new UsageError('--context: (empty) is not a kube context. Give a context name from `kubectl config get-contexts`, or leave --context out.');
	const context = contexts.length === 1 ? {context: contexts[0]!} : contexts.length > 1 ? {contexts} : {};
	if (options.out !== undefined && options.out.trim() === '') throw new UsageError('--out: (empty) is not a directory. Name the directory for certificates and generated files, e.g. --out ./mtls-certs, or leave --out out.');
	const recipe = await loadRecipe(recipeId);
	const collected = await collectAnswers(recipe, options.target, {
		...(options.answers === undefined ? {} : {answersFile: options.answers}),
		sets: [...(options.set ?? []), ...(await agentsFromFile(recipe, options))],
		env: process.env,
	});
	const {answers, secrets} = collected;
	// --context reaches every kubectl and helm call through the planner (KubeTarget.context on each kube step).
	const planFor = (outDir: string): Plan =>
		buildPlan(recipe, options.target as TargetId, answers, {
			outDir,
			secretAnswerIds: Object.keys(secrets),
			...context,
			...invokerIds(),
		});

	if (options.dryRun) {
		// Printing a plan asks every kind's runner for its commands: loaded for --dry-run only.
		const {formatPlan} = await import('../render/print-plan.js');
		process.stdout.write(formatPlan(planFor(resolve(options.out ?? `mtls-${recipe.id}`)), {secrets}));
		return 0;
	}

	// --dry-run reads no file, so it can show a plan for files still to come; what runs needs them now.
	await checkAnswerFiles(recipe, options.target, collected);
	if (options.export !== undefined) {
		if (options.export === '') throw new UsageError('--export: (empty) is not a directory. Give a new directory for the bundle, e.g. --export ./mtls-bundle.');
		const {exportBundle} = await import('../bundle/export-bundle.js');
		const result = await exportBundle({
			dir: options.export,
			plan: planFor,
			recipe,
			...(contexts.length > 0 ? {context: contexts} : {}),
			secrets,
			sources: collected.sources,
			env: process.env,
			// Export runs no external command; Ctrl-C simply ends the process and the rename never happens.
			signal: new AbortController().signal,
			onLine: line => {
				if (!options.json) process.stdout.write(`  ${line.line}\n`);
			},
		});
		if (options.json) {
			process.stdout.write(`${JSON.stringify({type: 'exported', dir: result.dir, files: result.files, manualSteps: result.manualSteps})}\n`);
		} else {
			const {bundleWrittenText} = await import('../render/bundle-written.js');
			process.stdout.write(bundleWrittenText('Bundle', result));
		}

		return 0;
	}

	const plan = planFor(resolve(options.out ?? `mtls-${recipe.id}`));
	await checkOutDir(options.out ?? plan.outDir);
	if (!(await confirmRun(plan, Boolean(options.yes)))) {
		process.stderr.write('Nothing was run. Preview the plan with --dry-run.\n');
		return exitCodes.ok;
	}

	// The keys are made on the threadpool while the engine, sessions (zod) and exec layer load, only for a real run:
	// --dry-run prints the plan without them.
	startKeysAhead(plan);
	const {executePlan} = await import('../run-headless.js');
	return executePlan(plan, secrets, {json: Boolean(options.json), env: process.env, ...context});
}
