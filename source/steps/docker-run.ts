import {StepFailedError} from '../errors.js';
import {writeFileAtomic} from '../exec/write-file-atomic.js';
import type {DockerRunStep} from '../plan/types.js';
import {renderEnvFile} from './render-file.js';
import {redactingResolver, secretResolver} from './secret-values.js';
import type {StepRunner} from './types.js';

function envFileFor(step: DockerRunStep): string | undefined {
	if (Object.keys(step.secretEnv).length === 0) return step.envFile;
	if (!step.envFile) {
		throw new StepFailedError(`${step.id}: container ${step.container} has secret environment variables but no env file to carry them.`, step.id, 'Fix the recipe: set envFile.');
	}

	return step.envFile;
}

/** Writes the 0600 env file carrying the secret variables; undefined when there are none. */
export async function writeDockerEnvFile(step: DockerRunStep, secrets: Readonly<Record<string, string>>): Promise<string | undefined> {
	const envFile = envFileFor(step);
	if (!envFile || Object.keys(step.secretEnv).length === 0) return undefined;
	await writeFileAtomic(envFile, renderEnvFile(step.secretEnv, secretResolver(secrets, step.id), envFile), 0o600);
	return envFile;
}

export const dockerRunRunner: StepRunner<DockerRunStep> = {
	kind: 'docker-run',
	commands(step) {
		const envFile = envFileFor(step);
		return [
			{
				file: 'docker',
				args: ['rm', '-f', step.container],
				// Exit 1 is also "no such container" on older engines; a daemon that is really down fails the next command.
				okExitCodes: [1],
				note: `Remove any previous ${step.container} container, so a re-run starts from the same state.`,
			},
			{
				file: 'docker',
				args: [
					'run',
					'-d',
					'--name',
					step.container,
					'--network',
					step.network,
					...step.mounts.flatMap(m => ['-v', `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`]),
					...Object.entries(step.env).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
					...(envFile ? ['--env-file', envFile] : []),
					...(step.user ? ['-u', step.user] : []),
					step.image,
					...step.args,
				],
			},
		];
	},
	files(step) {
		if (Object.keys(step.secretEnv).length === 0) return [];
		const path = envFileFor(step)!;
		return [{path, mode: 0o600, preview: renderEnvFile(step.secretEnv, redactingResolver, path)}];
	},
	async run(step, context) {
		const envFile = await writeDockerEnvFile(step, context.secrets);
		for (const command of dockerRunRunner.commands(step)) await context.run(command);
		return {detail: `container ${step.container} started from ${step.image}`, files: envFile ? [envFile] : []};
	},
};
