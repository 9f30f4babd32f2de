import {StepFailedError} from '../errors.js';
import type {DockerSecretStep} from '../plan/types.js';
import type {StepRunner} from './types.js';

/*
 * Docker secrets are immutable: new contents mean remove, then create. Removal fails while a service uses the
 * secret, and the swarm-service step that recreates the service comes after this one, so a re-run against a
 * running service cannot replace the secret by itself without taking the service down first. Rather than remove
 * someone's service from a secret step, it stops and names the command that frees the secret.
 */
export const dockerSecretRunner: StepRunner<DockerSecretStep> = {
	kind: 'docker-secret',
	commands: step => [
		{
			file: 'docker',
			args: ['secret', 'rm', step.name],
			okExitCodes: [1],
			note: `Docker secrets cannot change: remove ${step.name} if it exists (this fails while a service uses it).`,
		},
		{file: 'docker', args: ['secret', 'create', step.name, step.file]},
	],
	async run(step, context) {
		const [remove, create] = dockerSecretRunner.commands(step);
		const removed = await context.run(remove!);
		if (removed.exitCode !== 0 && /in use/i.test(removed.stderr)) {
			const services = /in use by the following service[s]?:\s*(.+)/i.exec(removed.stderr)?.[1]?.trim();
			throw new StepFailedError(
				`Docker secret ${step.name} is in use${services ? ` by ${services}` : ''}; docker secrets cannot be changed while a service uses them.`,
				step.id,
				`Remove the service first (docker service rm ${services ?? '<service>'}); the swarm step of this run creates it again.`,
			);
		}

		if (removed.exitCode !== 0 && !/not found|no such secret/i.test(removed.stderr)) {
			throw new StepFailedError(`${removed.display} failed: ${removed.stderr.trim()}`, step.id);
		}

		await context.run(create!);
		return {detail: `docker secret ${step.name} created from ${step.file}`};
	},
};
