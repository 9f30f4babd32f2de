import {StepFailedError} from '../errors.js';
import type {DockerNetworkStep} from '../plan/types.js';
import type {StepRunner} from './types.js';

/*
 * Inspect first and create only when missing: containers of an earlier run (or of something else entirely) may be
 * attached to the network, and removing it to start afresh would fail or cut them off. A network of the same name
 * with another driver is not what the recipe needs, so that stops the run instead of being used.
 */
export const dockerNetworkRunner: StepRunner<DockerNetworkStep> = {
	kind: 'docker-network',
	commands: step => [
		{
			file: 'docker',
			args: ['network', 'inspect', '--format', '{{.Driver}}', step.name],
			okExitCodes: [1],
			note: `Look for the ${step.driver} network ${step.name}; exit 1 means it does not exist yet.`,
		},
		{
			file: 'docker',
			args: ['network', 'create', '--driver', step.driver, ...(step.attachable ? ['--attachable'] : []), step.name],
			onlyIfPreviousFailed: true,
			note: `Only when the inspect above found no network ${step.name}: an existing one is left as it is, so re-runs are safe.`,
		},
	],
	async run(step, context) {
		const [inspect, create] = dockerNetworkRunner.commands(step);
		const found = await context.run(inspect!);
		if (found.exitCode === 0) {
			const driver = found.stdout.trim();
			if (driver !== step.driver) {
				throw new StepFailedError(
					`Docker network ${step.name} exists with driver ${driver}, but this recipe needs driver ${step.driver}.`,
					step.id,
					`Remove it (docker network rm ${step.name}, after disconnecting its containers) or choose another network name.`,
				);
			}

			return {detail: `docker network ${step.name} (${driver}) already exists; left as it is`};
		}

		if (!/no such network|not found/i.test(found.stderr)) throw new StepFailedError(`${found.display} failed: ${found.stderr.trim()}`, step.id);
		await context.run(create!);
		return {detail: `docker network ${step.name} created (${step.driver}${step.attachable ? ', attachable' : ''})`};
	},
};
