import {resolve} from 'node:path';
import {UsageError} from '../errors.js';
import type {IssueCertificatesStep, Plan} from '../plan/types.js';
import {checkAnswerFiles} from '../recipes/check-answer-files.js';
import {collectAnswers} from '../recipes/collect-answers.js';
import {loadRecipe} from '../recipes/load-recipes.js';
import {executePlan} from '../run-headless.js';
import {effectiveOutcome, isFinished, listSessions, loadSession} from '../session/session-store.js';
import type {Session} from '../session/types.js';
import {checkSecretsGiven, sessionPlanFor} from '../session/session-plan.js';
import {contextsOf} from '../session/kube-contexts.js';

export type ResumeOptions = {json?: boolean; answers?: string; signed?: string; set?: string[]};

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
 * --signed: the session must be one waiting for signatures, and every certificate must pass before anything runs,
 * so a wrong one is refused (exit 2) with the session left as it was, still waiting.
 */
async function checkSigned(session: Session, plan: Plan, secrets: Record<string, string>): Promise<void> {
	const step = plan.steps.find((candidate): candidate is IssueCertificatesStep => candidate.kind === 'issue-certificates');
	if (step?.ca.mode !== 'csr' || step.ca.signedDir === undefined) {
		throw new UsageError(`--signed: session ${session.id} does not wait for signed certificates (it was not run with caMode=csr). Resume it without --signed.`);
	}

	if (session.steps[step.id]?.state === 'done') {
		throw new UsageError(`--signed: session ${session.id} already took its certificates (step ${step.id} is done). Resume it without --signed.`);
	}

	const {takeSignedCertificates} = await import('../steps/signed-elsewhere.js');
	await takeSignedCertificates(step, step.ca.signedDir, secrets, session.id);
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

	// A saved answer that no longer holds (a file moved, a values file broken) is replaced with --set or --answers;
	// steps done with the old answer run again (session/line-up-session.ts).
	const saved = `session ${session.id}`;
	const replace = (error: unknown) => {
		if (!(error instanceof UsageError) || !error.message.startsWith(`${saved}: `)) throw error;
		const key = /^session \S+: (\w+)/.exec(error.message)![1]!;
		throw new UsageError(`${error.message} Replace the saved answer: mtls-wizard resume ${session.id} --set ${key}=VALUE (or in the --answers file).`);
	};

	const collected = await collectAnswers(recipe, session.target, {
		saved: {from: saved, answers: session.answers},
		...(options.answers ? {answersFile: options.answers} : {}),
		sets: options.set ?? [],
		env,
	}).catch(replace);
	await checkAnswerFiles(recipe, session.target, collected).catch(replace);
	checkSecretsGiven(session, collected.secrets, 'resume');

	if (options.signed?.trim() === '') throw new UsageError('--signed: (empty) is not a directory. Name the directory holding the signed certificates, e.g. --signed ./mtls-generic/signed');
	const signedDir = options.signed === undefined ? undefined : resolve(options.signed);
	// A secret answer given only now (a CA key passphrase the first run lacked) joins the plan, so resume can
	// finish what a new run would; the ones the session needs were checked above. A renewal resumes as one.
	const plan = sessionPlanFor(recipe, session, collected.answers, {secretIds: Object.keys(collected.secrets), renewal: session.renewal, rotation: session.rotation, ...(signedDir === undefined ? {} : {signedDir})});
	if (signedDir !== undefined) await checkSigned(session, plan, collected.secrets);
	return executePlan(plan, collected.secrets, {json: options.json ?? false, env, sessionId: session.id, ...contextsOf(session)});
}
