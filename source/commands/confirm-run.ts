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

	process.stdout.write(`This run changes ${where}:\n${deployments.map(step => `  - ${step.title}`).join('\n')}\n`);
	const prompt = createInterface({input: process.stdin, output: process.stdout});
	try {
		const answer = await prompt.question('Proceed? [y/N] ');
		return /^y(es)?$/i.test(answer.trim());
	} finally {
		prompt.close();
	}
}
