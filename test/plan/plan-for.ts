import {buildPlan} from '../../source/plan/build-plan.js';
import type {Plan, Step, TargetId} from '../../source/plan/types.js';
import {collectAnswers} from '../../source/recipes/collect-answers.js';
import {loadRecipe} from '../../source/recipes/load-recipes.js';
import {secretEnvName} from '../../source/recipes/collect-answers.js';

export const outDir = '/srv/mtls';
export const pki = (file: string) => `${outDir}/certs/${file}`;
/** The ids the command layer would read from the process; unlike any real user's, so a test sees where they went. */
export const invoker = {uid: 4242, gid: 4343};

/** The plan a headless run would build: answers collected exactly as `run` collects them. */
export async function planFor(recipeId: string, target: TargetId, sets: string[], secrets: Record<string, string> = {}, context?: string): Promise<Plan> {
	const recipe = await loadRecipe(recipeId);
	const env = Object.fromEntries(Object.entries(secrets).map(([id, value]) => [secretEnvName(id), value]));
	const collected = await collectAnswers(recipe, target, {sets, env});
	return buildPlan(recipe, target, collected.answers, {outDir, secretAnswerIds: Object.keys(collected.secrets), invoker, ...(context ? {context} : {})});
}

export function stepOf<K extends Step['kind']>(plan: Plan, id: string, kind: K): Extract<Step, {kind: K}> {
	const step = plan.steps.find(s => s.id === id);
	if (!step) throw new Error(`no step ${id} in ${plan.steps.map(s => s.id).join(', ')}`);
	if (step.kind !== kind) throw new Error(`step ${id} is ${step.kind}, not ${kind}`);
	return step as Extract<Step, {kind: K}>;
}

export const ids = (plan: Plan) => plan.steps.map(s => s.id);

/** Minimal answers that make every recipe × target plannable, with the secrets each needs. */
export const fullAnswers: Record<string, Partial<Record<TargetId, {sets: string[]; secrets: Record<string, string>}>>> = {
	generic: {
		bundle: {sets: [], secrets: {}},
		kubectl: {sets: [], secrets: {}},
	},
	steadybit: {
		helm: {sets: ['clusterName=prod-eu'], secrets: {agentKey: 'AGENT-KEY-SECRET', agentKeyPassphrase: 'PASSPHRASE-SECRET'}},
		docker: {sets: [], secrets: {agentKey: 'AGENT-KEY-SECRET'}},
		bundle: {sets: [], secrets: {}},
	},
	portainer: {
		docker: {sets: ['mtlsDomain=portainer.example.com', 'edgeId=edge-1'], secrets: {edgeKey: 'EDGE-KEY-SECRET'}},
		swarm: {sets: ['mtlsDomain=portainer.example.com', 'edgeId=edge-1'], secrets: {edgeKey: 'EDGE-KEY-SECRET'}},
		helm: {sets: ['mtlsDomain=portainer.example.com'], secrets: {}},
		bundle: {sets: ['mtlsDomain=portainer.example.com'], secrets: {}},
	},
	'sap-connectivity-proxy': {
		helm: {sets: ['externalHost=tunnel.example.com'], secrets: {}},
		bundle: {sets: ['externalHost=tunnel.example.com'], secrets: {}},
	},
	'harness-delegate': {
		kubectl: {sets: ['delegateName=kubernetes-delegate', 'managerEndpoint=https://acme.agent.harness.io', 'manifest=./harness-delegate.yaml'], secrets: {}},
		helm: {sets: ['delegateName=helm-delegate', 'managerEndpoint=https://acme.harness.io:8443', 'accountId=acct_123'], secrets: {delegateToken: 'DELEGATE-TOKEN-SECRET'}},
		docker: {sets: ['delegateName=docker-delegate', 'managerEndpoint=https://acme.agent.harness.io', 'accountId=acct_123'], secrets: {delegateToken: 'DELEGATE-TOKEN-SECRET'}},
		bundle: {sets: [], secrets: {}},
	},
};
