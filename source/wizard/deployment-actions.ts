/**
 * What the wizard offers for a finished deployment, in the order it lists them. Each entry is a plan builder and the
 * words for it; the wizard shows only what is here, so every entry is something a run can do. The first screen's
 * entry is named by the verbs ("Renew or rotate a deployment"); Review, the run and the summary need nothing more.
 */
import {UsageError} from '../errors.js';
import type {PlanAnswers} from '../plan/build-plan.js';
import type {Plan, Rotation} from '../plan/types.js';
import {versionOf} from '../plan/version-suffix.js';
import type {Recipe} from '../recipes/recipe-schema.js';
import {keptRotationOf, rotationOf} from '../session/rotation-of.js';
import {renewalPlanFor, sessionPlanFor} from '../session/session-plan.js';
import type {Session} from '../session/types.js';
import type {DeploymentActionView} from './types.js';

export type DeploymentPlanInput = {
	recipe: Recipe;
	/** The finished session whose deployment changes. */
	session: Session;
	/** Its saved answers with the secret ones given again. */
	answers: PlanAnswers;
	secretIds: string[];
	/** Chosen once per review, so an export rebuilds the same plan. */
	now: Date;
	/** For an export built elsewhere. */
	outDir?: string;
};

export type DeploymentAction = Omit<DeploymentActionView, 'unavailable'> & {
	/** Whether it is listed for this deployment at all (phase 3 only for a rotation that kept the old CA). */
	offeredFor?(session: Session): boolean;
	/** Why it cannot be done to this deployment, in the words `mtls-wizard` would refuse it with; undefined when it can. */
	refusalFor?(session: Session): string | undefined;
	planFor(input: DeploymentPlanInput): Plan;
};

const renewal = (reuseKeys: boolean) => (input: DeploymentPlanInput) =>
	renewalPlanFor(input.recipe, input.session, input.answers, {reuseKeys, now: input.now, secretIds: input.secretIds, ...(input.outDir === undefined ? {} : {outDir: input.outDir})});

/** A rotation of the session as `rotate-ca` checks it: the refusal is the one the command gives (own CA, not a kept rotation). */
function rotationAction(stage: Rotation['stage']): Pick<DeploymentAction, 'refusalFor' | 'planFor'> {
	const rotation = (session: Session, now: Date) => rotationOf(session, {version: versionOf(now), stage});
	return {
		refusalFor(session) {
			try {
				rotation(session, new Date());
				return undefined;
			} catch (error) {
				if (error instanceof UsageError) return error.message;
				throw error;
			}
		},
		planFor: input =>
			sessionPlanFor(input.recipe, input.session, input.answers, {
				secretIds: input.secretIds,
				rotation: rotation(input.session, input.now),
				...(input.outDir === undefined ? {} : {outDir: input.outDir}),
			}),
	};
}

export const deploymentActions: readonly DeploymentAction[] = [
	{id: 'renew', verb: 'renew', label: 'Renew the certificates (same CA)', description: 'new keys for every leaf, redeployed and confirmed again', planFor: renewal(false)},
	{id: 'renew-reuse-keys', verb: 'renew', label: 'Renew the certificates (same CA), keeping the keys', description: 'the same leaf keys signed again', planFor: renewal(true)},
	{
		id: 'rotate-ca',
		verb: 'rotate',
		label: 'Rotate to a new CA',
		description: 'trust both CAs, leaves from the new CA, drop the old CA: three phases, each confirmed',
		offeredFor: session => keptRotationOf(session) === undefined,
		...rotationAction('all'),
	},
	{
		id: 'rotate-ca-keep-old-ca',
		verb: 'rotate',
		label: 'Rotate to a new CA, keeping the old CA trusted',
		description: 'phases 1 and 2 only, so fleet devices can take their new certificates before the old CA goes',
		offeredFor: session => keptRotationOf(session) === undefined,
		...rotationAction('keep-old-ca'),
	},
	{
		id: 'rotate-ca-drop-old-ca',
		verb: 'rotate',
		label: 'Drop the old CA',
		description: 'phase 3 of this rotation: every trust point keeps the new CA alone',
		offeredFor: session => keptRotationOf(session) !== undefined,
		...rotationAction('drop-old-ca'),
	},
];

/** The actions listed for a deployment, each with why it cannot be done to it, if it cannot. */
export function actionsFor(session: Session): DeploymentActionView[] {
	return deploymentActions
		.filter(action => action.offeredFor?.(session) ?? true)
		.map(({id, verb, label, description, refusalFor}) => {
			const unavailable = refusalFor?.(session);
			return {id, verb, label, description, ...(unavailable === undefined ? {} : {unavailable})};
		});
}
