import {join} from 'node:path';
import {UsageError} from '../errors.js';
import {invokerIds} from '../environment/invoker.js';
import {buildPlan, type PlanAnswers} from '../plan/build-plan.js';
import {renewalOf, renewPlan} from '../plan/renew-plan.js';
import {answersWithout, bothCasTrusted, rotatePlan, rotationDir, trustBothFile} from '../plan/rotate-plan.js';
import type {Plan, Renewal, Rotation} from '../plan/types.js';
import {collectAnswers, secretEnvName, type CollectedAnswers} from '../recipes/collect-answers.js';
import {loadRecipe} from '../recipes/load-recipes.js';
import type {Recipe} from '../recipes/recipe-schema.js';
import {contextsOf} from './kube-contexts.js';
import {keptRotationOf} from './rotation-of.js';
import {isFinished, listSessions, loadSession} from './session-store.js';
import type {Session} from './types.js';

/** The session named, or the latest one whose every step is done: what was deployed, for status, renew and rotate-ca. */
export async function finishedSession(env: NodeJS.ProcessEnv, id: string | undefined, command: string): Promise<Session> {
	if (id) return loadSession(env, id);
	const {sessions} = await listSessions(env);
	const latest = sessions.find(session => isFinished(session));
	if (!latest) throw new UsageError(`no finished session to ${command}. Deploy with: mtls-wizard run RECIPE --target TARGET (see: mtls-wizard sessions)`);
	return latest;
}

/** The saved answers, and the secret ones given again (MTLS_WIZARD_ANSWER_<ID> or an --answers file). */
export async function sessionAnswers(recipe: Recipe, session: Session, input: {env?: NodeJS.ProcessEnv; answersFile?: string} = {}): Promise<CollectedAnswers> {
	return collectAnswers(recipe, session.target, {
		saved: {from: `session ${session.id}`, answers: session.answers},
		...(input.answersFile ? {answersFile: input.answersFile} : {}),
		sets: [],
		...(input.env ? {env: input.env} : {}),
	});
}

/** Refuses to go on without a secret answer the session's plan needs: none is ever saved. */
export function checkSecretsGiven(session: Session, secrets: Readonly<Record<string, string>>, command: string): void {
	const missing = session.secretAnswers.find(secretId => secrets[secretId] === undefined);
	if (missing) {
		throw new UsageError(`${missing} (secret): needed to ${command} session ${session.id} and never saved. Set ${secretEnvName(missing)} or put ${missing} in the --answers file.`);
	}
}

/** The session's certificates directory: where a CA the wizard generated for it is kept. */
export function certificatesDir(session: Pick<Session, 'outDir'>): string {
	return join(session.outDir, 'certs');
}

export type SessionPlanOptions = {
	/** Secret answers given now, besides those the session needs. */
	secretIds?: readonly string[];
	renewal?: Renewal | undefined;
	rotation?: Rotation | undefined;
	/** For an export built elsewhere. */
	outDir?: string;
	/** resume --signed: certificates signed outside the wizard. */
	signedDir?: string;
};

/**
 * The plan of a session as the planner builds it from the recipe, target and answers, turned into its renewal or
 * its CA rotation when asked.
 */
export function sessionPlanFor(recipe: Recipe, session: Session, answers: PlanAnswers, options: SessionPlanOptions = {}): Plan {
	const planned = (outDir: string, planAnswers: PlanAnswers) =>
		buildPlan(recipe, session.target, planAnswers, {
			outDir,
			secretAnswerIds: [...new Set([...session.secretAnswers, ...(options.secretIds ?? [])])],
			...contextsOf(session),
			...invokerIds(),
			...(options.signedDir === undefined ? {} : {signedDir: options.signedDir}),
		});
	const {rotation} = options;
	if (rotation) {
		return rotatePlan({
			deployed: planned(rotation.from, answers),
			rotated: planned(options.outDir ?? rotationDir(rotation), answersWithout(answers, rotation.excludeAgents)),
			rotation,
			notes: recipe.rotation,
			// An export's apply.sh names copies in the bundle of the deployment's files it still uses.
			carryInto: options.outDir === undefined ? undefined : join(options.outDir, 'deployed'),
		});
	}

	const plan = planned(options.outDir ?? session.outDir, answers);
	if (!options.renewal) return plan;
	const renewed = (trusted: Plan) => renewPlan(trusted, options.renewal!, certificatesDir(session), options.outDir === undefined ? undefined : session.outDir);
	if (!options.renewal.keptRotation) return renewed(plan);
	// Renewed within a rotation that kept the old CA: the trust points keep trusting both CAs, as phase 2 left them.
	const both = join(certificatesDir(session), trustBothFile);
	if (options.outDir === undefined) return renewed(bothCasTrusted(plan, both, recipe.rotation));
	// An export names a copy in the bundle, beside the renewed certificates.
	const copy = join(certificatesDir({outDir: options.outDir}), trustBothFile);
	const exported = renewed(bothCasTrusted(plan, copy, recipe.rotation));
	return {...exported, carried: [...(exported.carried ?? []), {from: both, to: copy}]};
}

/** The plan that renews a finished session's deployment: new leaves from its CA, redeployed and confirmed again. */
export function renewalPlanFor(recipe: Recipe, session: Session, answers: PlanAnswers, options: {reuseKeys: boolean; now: Date} & Pick<SessionPlanOptions, 'secretIds' | 'outDir'>): Plan {
	const {reuseKeys, now, ...rest} = options;
	return sessionPlanFor(recipe, session, answers, {...rest, renewal: renewalOf(session.id, reuseKeys, now, keptRotationOf(session))});
}

/**
 * The session's plan rebuilt from what it saved, as resume rebuilds it. Secret answers are never saved: the plan
 * holds references to them, resolved only by a run that is given them again.
 */
export async function planOfSession(session: Session): Promise<{recipe: Recipe; plan: Plan}> {
	const recipe = await loadRecipe(session.recipe);
	const collected = await sessionAnswers(recipe, session);
	return {recipe, plan: sessionPlanFor(recipe, session, collected.answers, {renewal: session.renewal, rotation: session.rotation})};
}
