import {UsageError} from '../errors.js';
import {loadRecipe} from '../recipes/load-recipes.js';
import {versionOf} from '../plan/version-suffix.js';
import {rotationOf} from '../session/rotation-of.js';
import {finishedSession, sessionAnswers, sessionPlanFor} from '../session/session-plan.js';
import {isFinished} from '../session/session-store.js';
import {runDerivedPlan, type DerivedPlanOptions} from './derived-plan.js';

export type RotateCaOptions = DerivedPlanOptions & {excludeAgent?: string[]; keepOldCa?: boolean; dropOldCa?: boolean};

/**
 * `mtls-wizard rotate-ca [ID]`: the deployment moves to a new CA in three confirmed phases (trust both, leaves from
 * the new CA, drop the old CA), run as a new session like renew, so --dry-run, --export and resume work as for run.
 */
export async function rotateCaCommand(id: string | undefined, options: RotateCaOptions): Promise<number> {
	const env = process.env;
	const session = await finishedSession(env, id, 'rotate-ca');
	if (!isFinished(session)) {
		throw new UsageError(`session ${session.id}: its deployment has not finished, so there is no CA in use to rotate yet. Finish it first with: mtls-wizard resume ${session.id}`);
	}

	const stage = options.dropOldCa ? 'drop-old-ca' : options.keepOldCa ? 'keep-old-ca' : 'all';
	const rotation = rotationOf(session, {excludeAgents: options.excludeAgent ?? [], version: versionOf(new Date()), stage});
	const recipe = await loadRecipe(session.recipe);
	const collected = await sessionAnswers(recipe, session, {env, ...(options.answers ? {answersFile: options.answers} : {})});
	const planFor = (outDir?: string) => sessionPlanFor(recipe, session, collected.answers, {secretIds: Object.keys(collected.secrets), rotation, ...(outDir === undefined ? {} : {outDir})});
	return runDerivedPlan({session, recipe, collected, command: 'rotate-ca', noun: 'rotation', planFor, options, env});
}
