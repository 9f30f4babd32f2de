import {exitCodes, UsageError} from '../errors.js';
import {formatMode, formatPlan} from '../plan/print-plan.js';
import {checkAnswerFiles} from '../recipes/check-answer-files.js';
import {loadRecipe} from '../recipes/load-recipes.js';
import {isFinished} from '../session/session-store.js';
import {confirmRun} from './confirm-run.js';
import {checkSecretsGiven, finishedSession, renewalPlanFor, sessionAnswers} from '../session/session-plan.js';

export type RenewOptions = {reuseKeys?: boolean; answers?: string; yes?: boolean; json?: boolean; dryRun?: boolean; export?: string};

/**
 * `mtls-wizard renew [ID]`: new leaves from the session's CA, redeployed through the same target and confirmed
 * again. It is a plan like any other, run as a new session (so --dry-run, --export and resume work as for run).
 */
export async function renewCommand(id: string | undefined, options: RenewOptions): Promise<number> {
	const env = process.env;
	const session = await finishedSession(env, id, 'renew');
	if (!isFinished(session)) {
		throw new UsageError(`session ${session.id}: its deployment has not finished, so there is nothing to renew yet. Finish it first with: mtls-wizard resume ${session.id}`);
	}

	const recipe = await loadRecipe(session.recipe);
	const collected = await sessionAnswers(recipe, session, {env, ...(options.answers ? {answersFile: options.answers} : {})});
	const now = new Date();
	const planFor = (outDir?: string) =>
		renewalPlanFor(recipe, session, collected.answers, {reuseKeys: Boolean(options.reuseKeys), now, secretIds: Object.keys(collected.secrets), ...(outDir === undefined ? {} : {outDir})});
	if (options.dryRun) {
		process.stdout.write(formatPlan(planFor(), {secrets: collected.secrets}));
		return exitCodes.ok;
	}

	checkSecretsGiven(session, collected.secrets, 'renew');
	await checkAnswerFiles(recipe, session.target, collected);
	if (options.export !== undefined) {
		if (options.export === '') throw new UsageError('--export: (empty) is not a directory. Give a new directory for the bundle, e.g. --export ./mtls-renewal.');
		const {exportBundle} = await import('../plan/export-bundle.js');
		const result = await exportBundle({dir: options.export, plan: planFor, recipe, secrets: collected.secrets, env, signal: new AbortController().signal});
		process.stdout.write(`Renewal bundle written to ${result.dir}:\n${result.files.map(f => `  ${f.path} (${formatMode(f.mode)})`).join('\n')}\nRead README.txt, then run ./apply.sh.\n`);
		return exitCodes.ok;
	}

	const plan = planFor();
	if (!(await confirmRun(plan, Boolean(options.yes)))) {
		process.stderr.write('Nothing was run. Preview the renewal with --dry-run.\n');
		return exitCodes.ok;
	}

	const {executePlan} = await import('../run-headless.js');
	return executePlan(plan, collected.secrets, {json: Boolean(options.json), env, ...(session.context ? {context: session.context} : {}), ...(session.contexts ? {contexts: session.contexts} : {})});
}
