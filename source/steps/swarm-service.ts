import {isAbsolute} from 'node:path';
import {StepFailedError} from '../errors.js';
import type {Mount, SwarmServiceStep} from '../plan/types.js';
import type {StepRunner} from './types.js';

/*
 * Remove, then create, rather than `docker service update`: update spells secrets, env and networks as
 * add/rm deltas against whatever is there now (and cannot move a service onto the host network), so the result
 * would depend on the previous run. A fresh create gives the same service every time; the brief gap while it
 * restarts is what a redeploy of an agent costs anyway. --detach: the wait-for-log step is the real readiness check.
 */
function checkNoSecretEnv(step: SwarmServiceStep): void {
	const names = Object.keys(step.secretEnv);
	if (names.length > 0) {
		throw new StepFailedError(
			`${step.id}: service ${step.service} has secret environment variables (${names.join(', ')}), which would have to go into argv.`,
			step.id,
			'Fix the recipe: pass secrets to swarm services as docker secrets (files), not as environment variables.',
		);
	}
}

/** A source that is not an absolute path names a volume, as with docker run -v. */
function mountFlag(mount: Mount): string {
	const type = isAbsolute(mount.source) ? 'bind' : 'volume';
	return `type=${type},source=${mount.source},target=${mount.target}${mount.readOnly ? ',readonly' : ''}`;
}

export const swarmServiceRunner: StepRunner<SwarmServiceStep> = {
	kind: 'swarm-service',
	commands(step) {
		checkNoSecretEnv(step);
		return [
			{
				file: 'docker',
				args: ['service', 'rm', step.service],
				okExitCodes: [1],
				note: `Remove any previous ${step.service} service, so the new one starts from the same state.`,
			},
			{
				file: 'docker',
				args: [
					'service',
					'create',
					'--detach',
					'--name',
					step.service,
					'--replicas',
					String(step.replicas),
					'--network',
					step.network,
					...(step.mounts ?? []).flatMap(m => ['--mount', mountFlag(m)]),
					...step.secrets.flatMap(s => ['--secret', `source=${s.source},target=${s.target}`]),
					...Object.entries(step.env).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
					step.image,
					...step.args,
				],
			},
		];
	},
	async run(step, context) {
		for (const command of swarmServiceRunner.commands(step)) await context.run(command);
		return {detail: `service ${step.service} created from ${step.image} (${step.replicas} replica${step.replicas === 1 ? '' : 's'})`};
	},
};
