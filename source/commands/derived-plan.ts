import {exitCodes, UsageError} from '../errors.js';
import type {Plan} from '../plan/types.js';
import {checkAnswerFiles} from '../recipes/check-answer-files.js';
import type {CollectedAnswers} from '../recipes/collect-answers.js';
import type {Recipe} from '../recipes/recipe-schema.js';
import type {Session} from '../session/types.js';
import {confirmRun} from './confirm-run.js';
import {checkSecretsGiven} from '../session/session-plan.js';
import {contextsOf} from '../session/kube-contexts.js';

export type DerivedPlanOptions = {answers?: string; yes?: boolean; json?: boolean; dryRun?: boolean; export?: string};

/**
 * A plan derived from a finished session (renew, rotate-ca), run like any other as a new session: --dry-run prints
 * it, --export writes it as a bundle, otherwise it is confirmed and executed. planFor(outDir) builds it, into
 * outDir when an export builds it elsewhere.
 */
export async function runDerivedPlan(input: {
	session: Session;
	recipe: Recipe;
	collected: CollectedAnswers;
	/** The command's name and what its plan is called: "renew", "renewal". */
	command: string;
	noun: string;
	planFor: (outDir?: string) => Plan;
	options: DerivedPlanOptions;
	env: NodeJS.ProcessEnv;
}): Promise<number> {
	const {session, recipe, collected, command, noun, planFor, options, env} = input;
	if (options.dryRun) {
		// Printing a plan asks every kind's runner for its commands: loaded for --dry-run only.
		const {formatPlan} = await import('../render/print-plan.js');
		process.stdout.write(formatPlan(planFor(), {secrets: collected.secrets}));
		return exitCodes.ok;
	}

	checkSecretsGiven(session, collected.secrets, command);
	await checkAnswerFiles(recipe, session.target, collected);
	if (options.export !== undefined) {
		if (options.export === '') throw new UsageError(`--export: (empty) is not a directory. Give a new directory for the bundle, e.g. --export ./mtls-${noun}.`);
		const {exportBundle} = await import('../bundle/export-bundle.js');
		const result = await exportBundle({dir: options.export, plan: planFor, recipe, secrets: collected.secrets, sources: collected.sources, env, signal: new AbortController().signal});
		const {bundleWrittenText} = await import('../render/bundle-written.js');
		process.stdout.write(bundleWrittenText(`${noun[0]!.toUpperCase()}${noun.slice(1)} bundle`, result));
		return exitCodes.ok;
	}

	const plan = planFor();
	if (!(await confirmRun(plan, Boolean(options.yes)))) {
		process.stderr.write(`Nothing was run. Preview the ${noun} with --dry-run.\n`);
		return exitCodes.ok;
	}

	const {executePlan} = await import('../run-headless.js');
	return executePlan(plan, collected.secrets, {json: Boolean(options.json), env, ...contextsOf(session)});
}
