import {UsageError} from '../errors.js';
import {loadRecipe} from '../recipes/load-recipes.js';
import {finishedSession, renewalPlanFor, sessionAnswers} from '../session/session-plan.js';
import {isFinished} from '../session/session-store.js';
import {runDerivedPlan, type DerivedPlanOptions} from './derived-plan.js';

export type RenewOptions = DerivedPlanOptions & {reuseKeys?: boolean};

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
	return runDerivedPlan({session, recipe, collected, command: 'renew', noun: 'renewal', planFor, options, env});
}
