/**
 * What the wizard offers for a finished deployment, in the order it lists them. Each entry is a plan builder and the
 * words for it; the wizard shows only what is here, so every entry is something a run can do. Rotating the CA
 * joins as one more entry, `{id: 'rotate-ca', verb: 'rotate', ..., planFor: input => rotationPlanFor(input.session, ...)}`:
 * the first screen then offers "Renew or rotate a deployment", and Review, the run and the summary need nothing more.
 */
import type {PlanAnswers} from '../plan/build-plan.js';
import type {Plan} from '../plan/types.js';
import type {Recipe} from '../recipes/recipe-schema.js';
import {renewalPlanFor} from '../session/session-plan.js';
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

export type DeploymentAction = DeploymentActionView & {planFor(input: DeploymentPlanInput): Plan};

const renewal = (reuseKeys: boolean) => (input: DeploymentPlanInput) =>
	renewalPlanFor(input.recipe, input.session, input.answers, {reuseKeys, now: input.now, secretIds: input.secretIds, ...(input.outDir === undefined ? {} : {outDir: input.outDir})});

export const deploymentActions: readonly DeploymentAction[] = [
	{id: 'renew', verb: 'renew', label: 'Renew the certificates (same CA)', description: 'new keys for every leaf, redeployed and confirmed again', planFor: renewal(false)},
	{id: 'renew-reuse-keys', verb: 'renew', label: 'Renew the certificates (same CA), keeping the keys', description: 'the same leaf keys signed again', planFor: renewal(true)},
];
