import {UsageError} from '../errors.js';
import {invokerIds} from '../environment/invoker.js';
import {buildPlan} from '../plan/build-plan.js';
import type {Plan} from '../plan/types.js';
import {collectAnswers} from '../recipes/collect-answers.js';
import {loadRecipe} from '../recipes/load-recipes.js';
import type {Recipe} from '../recipes/recipe-schema.js';
import {isFinished, listSessions, loadSession} from '../session/session-store.js';
import type {Session} from '../session/types.js';

/** The session named, or the latest one whose every step is done: what was deployed, for status, renew and rotate-ca. */
export async function finishedSession(env: NodeJS.ProcessEnv, id: string | undefined, command: string): Promise<Session> {
	if (id) return loadSession(env, id);
	const {sessions} = await listSessions(env);
	const latest = sessions.find(session => isFinished(session));
	if (!latest) throw new UsageError(`no finished session to ${command}. Deploy with: mtls-wizard run RECIPE --target TARGET (see: mtls-wizard sessions)`);
	return latest;
}

/**
 * The session's plan rebuilt from its recipe, target and saved answers, as resume rebuilds it. Secret answers are
 * never saved: the plan holds references to them, resolved only by a run that is given them again.
 */
export async function planOfSession(session: Session, secrets: Readonly<Record<string, string>> = {}): Promise<{recipe: Recipe; plan: Plan}> {
	const recipe = await loadRecipe(session.recipe);
	const collected = await collectAnswers(recipe, session.target, {sets: Object.entries(session.answers).map(([key, value]) => `${key}=${String(value)}`)});
	const plan = buildPlan(recipe, session.target, collected.answers, {
		outDir: session.outDir,
		secretAnswerIds: [...new Set([...session.secretAnswers, ...Object.keys(secrets)])],
		...(session.context ? {context: session.context} : {}),
		...invokerIds(),
	});
	return {recipe, plan};
}
