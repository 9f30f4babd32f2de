import {createInterface} from 'node:readline/promises';
import {UsageError} from '../errors.js';
import {isDeploymentStep} from '../plan/deployment-steps.js';
import type {Plan} from '../plan/types.js';

/**
 * A headless run asks once before it changes a cluster or a Docker engine; --yes answers for CI.
 * Without a terminal there is nobody to ask, so the run stops before anything happens.
 * Plans that only write local files (certificates, bundles) need no confirmation.
 */
export async function confirmRun(plan: Plan, yes: boolean): Promise<boolean> {
	const deployments = plan.steps.filter(step => isDeploymentStep(step));
	if (yes || deployments.length === 0) return true;

	const where = plan.target === 'docker' || plan.target === 'swarm' ? 'the Docker engine' : 'the Kubernetes cluster';
	if (!process.stdin.isTTY || !process.stdout.isTTY) {
		throw new UsageError(
			`--yes: not given, and there is no terminal to ask on; this run changes ${where} (${deployments.length} steps). Preview it with --dry-run, then add --yes.`,
		);
	}

	// A plan run in several kube contexts is confirmed context by context: each cluster's owner says yes to their own.
	const contexts = [...new Set(deployments.map(step => ('context' in step ? step.context : undefined)))];
	const prompt = createInterface({input: process.stdin, output: process.stdout});
	try {
		for (const context of contexts.length > 1 ? contexts : [undefined]) {
			const changes = context === undefined ? deployments : deployments.filter(step => 'context' in step && step.context === context);
			process.stdout.write(`This run changes ${context === undefined ? where : `the Kubernetes cluster of context ${context}`}:\n${changes.map(step => `  - ${step.title}`).join('\n')}\n`);
			if (!/^y(es)?$/i.test((await prompt.question('Proceed? [y/N] ')).trim())) return false;
		}

		return true;
	} finally {
		prompt.close();
	}
}
