import {isAbsolute} from 'node:path';
import {secretEnvValues} from './secret-values.js';
import type {Mount, SwarmServiceStep} from '../plan/types.js';
import type {StepRunner} from './types.js';

/*
 * Remove, then create, rather than `docker service update`: update spells secrets, env and networks as
 * add/rm deltas against whatever is there now (and cannot move a service onto the host network), so the result
 * would depend on the previous run. A fresh create gives the same service every time; the brief gap while it
 * restarts is what a redeploy of an agent costs anyway. --detach: the wait-for-log step is the real readiness check.
 */
/** A source that is not an absolute path names a volume, as with docker run -v. */
function mountFlag(mount: Mount): string {
	const type = isAbsolute(mount.source) ? 'bind' : 'volume';
	return `type=${type},source=${mount.source},target=${mount.target}${mount.readOnly ? ',readonly' : ''}`;
}

export const swarmServiceRunner: StepRunner<SwarmServiceStep> = {
	kind: 'swarm-service',
	commands(step) {
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
					...(step.mode.kind === 'global' ? ['--mode', 'global'] : ['--replicas', String(step.mode.replicas)]),
					'--network',
					step.network,
					...step.publish.flatMap(p => ['--publish', `published=${p.published},target=${p.target},mode=${p.mode}`]),
					...step.constraints.flatMap(constraint => ['--constraint', constraint]),
					...(step.mounts ?? []).flatMap(m => ['--mount', mountFlag(m)]),
					...step.secrets.flatMap(s => ['--secret', `source=${s.source},target=${s.target}`]),
					...Object.entries(step.env).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
					// A bare name: docker reads the value from its own environment, set for this command only (never argv).
					...Object.keys(step.secretEnv).flatMap(name => ['-e', name]),
					step.image,
					...step.args,
				],
			},
		];
	},
	async run(step, context) {
		const [remove, create] = swarmServiceRunner.commands(step);
		await context.run(remove!);
		await context.run({...create!, env: secretEnvValues(step.secretEnv, context.secrets, step.id)});
		const tasks = step.mode.kind === 'global' ? 'one task per node' : `${step.mode.replicas} replica${step.mode.replicas === 1 ? '' : 's'}`;
		return {detail: `service ${step.service} created from ${step.image} on ${step.network} (${tasks})`};
	},
};
