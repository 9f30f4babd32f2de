import {UsageError} from '../errors.js';
import {invokerIds} from '../environment/invoker.js';
import {buildPlan} from '../plan/build-plan.js';
import {collectAnswers, secretEnvName} from '../recipes/collect-answers.js';
import {loadRecipe} from '../recipes/load-recipes.js';
import {executePlan} from '../run-headless.js';
import {effectiveOutcome, isFinished, listSessions, loadSession} from '../session/session-store.js';
import type {Session} from '../session/types.js';

export type ResumeOptions = {json?: boolean; answers?: string};

async function pickSession(env: NodeJS.ProcessEnv, id: string | undefined): Promise<Session> {
	if (id) {
		const session = await loadSession(env, id);
		if (isFinished(session)) throw new UsageError(`session ${id}: already finished; nothing to resume. Start a new one with: mtls-wizard run ${session.recipe} --target ${session.target}`);
		if (effectiveOutcome(session) === 'running') {
			throw new UsageError(`session ${id}: another mtls-wizard process (pid ${session.pid}) is running it right now. Let it finish, or stop it (Ctrl-C saves its progress) and resume again.`);
		}

		return session;
	}

	const {sessions} = await listSessions(env);
	const latest = sessions.find(session => !isFinished(session) && effectiveOutcome(session) !== 'running');
	if (!latest) throw new UsageError('no unfinished session to resume. Start one with: mtls-wizard run RECIPE --target TARGET (see: mtls-wizard sessions)');
	return latest;
}

/**
 * Continues a saved session at its first unfinished step. The plan is rebuilt from the saved recipe id,
 * target and answers with the recipe file as it is now, so a recipe changed since the session was saved is
 * refused rather than running steps the saved progress no longer describes. Secret answers were never saved:
 * they come again from MTLS_WIZARD_ANSWER_<ID> or the --answers file.
 */
export async function resumeCommand(id: string | undefined, options: ResumeOptions): Promise<number> {
	const env = process.env;
	const session = await pickSession(env, id);
	const recipe = await loadRecipe(session.recipe);
	if (recipe.digest !== session.recipeDigest) {
		throw new UsageError(
			`session ${session.id}: the recipe file ${recipe.file} has changed since this session was saved, so its saved steps may no longer match. Start anew with: mtls-wizard run ${session.recipe} --target ${session.target}`,
		);
	}

	const collected = await collectAnswers(recipe, session.target, {
		...(options.answers ? {answersFile: options.answers, secretsOnlyInFile: `resume keeps the answers saved in session ${session.id}`} : {}),
		sets: Object.entries(session.answers).map(([key, value]) => `${key}=${String(value)}`),
		env,
	});
	const missing = session.secretAnswers.find(secretId => collected.secrets[secretId] === undefined);
	if (missing) {
		throw new UsageError(`${missing} (secret): needed to resume session ${session.id} and never saved. Set ${secretEnvName(missing)} or put ${missing} in the --answers file.`);
	}

	// A secret answer given only now (a CA key passphrase the first run lacked) joins the plan, so resume can
	// finish what a new run would; the ones the session needs were checked above.
	const plan = buildPlan(recipe, session.target, collected.answers, {
		outDir: session.outDir,
		secretAnswerIds: [...new Set([...session.secretAnswers, ...Object.keys(collected.secrets)])],
		...(session.context ? {context: session.context} : {}),
		...invokerIds(),
	});
	return executePlan(plan, collected.secrets, {json: options.json ?? false, env, sessionId: session.id, ...(session.context ? {context: session.context} : {})});
}
