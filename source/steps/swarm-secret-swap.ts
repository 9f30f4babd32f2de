import {StepFailedError} from '../errors.js';
import {quoteWord} from '../exec/shell-quote.js';
import type {CommandSpec} from '../exec/types.js';
import type {SwarmSecretSwapStep} from '../plan/types.js';
import type {StepRunner} from './types.js';

/*
 * A swarm secret cannot change, nor be removed while a service uses it: the renewed one was created under a new
 * name, and `service update` swaps it in for whichever secret is mounted at the same target now (the original, or
 * one an earlier renewal swapped in). The service rolls its tasks as for any update; without --detach the command
 * waits until the update converged, so the confirmation that follows talks to a task holding the new secrets.
 */
function mountedAt(service: string, target: string): CommandSpec {
	const template = `{{range .Spec.TaskTemplate.ContainerSpec.Secrets}}{{if eq .File.Name ${JSON.stringify(target)}}}{{.SecretName}}{{end}}{{end}}`;
	return {file: 'docker', args: ['service', 'inspect', '--format', template, service], note: `Which secret service ${service} mounts at ${target} now.`};
}

const placeholder = (target: string) => `<the secret mounted at ${target} now>`;

function updateCommand(step: SwarmSecretSwapStep, current: readonly string[]): CommandSpec {
	const args = ['service', 'update'];
	const scriptArgs: Record<number, string> = {};
	for (const [index, swap] of step.swaps.entries()) {
		args.push('--secret-rm');
		const inspect = mountedAt(step.service, swap.target).args.map(arg => quoteWord(arg)).join(' ');
		scriptArgs[args.length] = `"$(docker ${inspect})"`;
		args.push(current[index] ?? placeholder(swap.target), '--secret-add', `source=${swap.source},target=${swap.target}`);
	}

	return {file: 'docker', args: [...args, step.service], scriptArgs};
}

export const swarmSecretSwapRunner: StepRunner<SwarmSecretSwapStep> = {
	kind: 'swarm-secret-swap',
	commands: step => [...step.swaps.map(swap => mountedAt(step.service, swap.target)), updateCommand(step, [])],
	async run(step, context) {
		const current: string[] = [];
		for (const swap of step.swaps) {
			const name = (await context.run(mountedAt(step.service, swap.target))).stdout.trim();
			if (name === '') {
				throw new StepFailedError(`service ${step.service} mounts no secret at ${swap.target}.`, step.id, `Deploy it first (mtls-wizard run), then renew.`);
			}

			current.push(name);
		}

		await context.run(updateCommand(step, current));
		return {detail: `service ${step.service} now mounts ${step.swaps.map(swap => `${swap.source} at ${swap.target}`).join(', ')} (was ${current.join(', ')})`};
	},
};
