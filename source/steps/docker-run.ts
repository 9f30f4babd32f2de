import {writeFileAtomic} from '../exec/write-file-atomic.js';
import type {DockerRunStep} from '../plan/types.js';
import {renderEnvFile} from './render-env-file.js';
import {redactingResolver, secretEnvValues, secretResolver} from './secret-values.js';
import type {StepRunner} from './types.js';

/*
 * Secret variables never go into argv. With an envFile they are written there (0600) and passed with --env-file;
 * without one they are passed as a bare `-e NAME`, and docker reads the value from its own environment, which
 * the runner sets for that one command (CommandSpec.env). apply.sh asks for them the same way.
 */
function secretNames(step: DockerRunStep): string[] {
	return Object.keys(step.secretEnv);
}

function usesEnvFileForSecrets(step: DockerRunStep): boolean {
	return secretNames(step).length > 0 && step.envFile !== undefined;
}

/** Writes the 0600 env file carrying the secret variables; undefined when there are none. */
export async function writeDockerEnvFile(step: DockerRunStep, secrets: Readonly<Record<string, string>>): Promise<string | undefined> {
	if (!usesEnvFileForSecrets(step)) return undefined;
	await writeFileAtomic(step.envFile!, renderEnvFile(step.secretEnv, secretResolver(secrets, step.id), step.envFile!), 0o600);
	return step.envFile;
}

export const dockerRunRunner: StepRunner<DockerRunStep> = {
	kind: 'docker-run',
	commands(step) {
		const args = [
			'run',
			'-d',
			'--name',
			step.container,
			// The default bridge is what docker run uses without --network; leaving it out keeps the vendors' own commands.
			...(step.network === 'bridge' ? [] : ['--network', step.network]),
			...step.networkAliases.flatMap(alias => ['--network-alias', alias]),
			...step.ports.flatMap(p => ['-p', `${p.hostIp ? `${p.hostIp}:` : ''}${p.published}:${p.target}`]),
			...step.mounts.flatMap(m => ['-v', `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`]),
			...Object.entries(step.env).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
			...(usesEnvFileForSecrets(step) ? [] : secretNames(step).flatMap(name => ['-e', name])),
			...(step.envFile ? ['--env-file', step.envFile] : []),
			...(step.user ? ['-u', step.user] : []),
		];
		const userIndex = args.length - 1;
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
				args: [...args, step.image, ...step.args],
				...(step.userInScript ? {scriptArgs: {[userIndex]: step.userInScript}} : {}),
			},
		];
	},
	files(step) {
		if (!usesEnvFileForSecrets(step)) return [];
		return [{path: step.envFile!, mode: 0o600, preview: renderEnvFile(step.secretEnv, redactingResolver, step.envFile!)}];
	},
	async run(step, context) {
		const envFile = await writeDockerEnvFile(step, context.secrets);
		const env = usesEnvFileForSecrets(step) ? {} : secretEnvValues(step.secretEnv, context.secrets, step.id);
		const [remove, run] = dockerRunRunner.commands(step);
		await context.run(remove!);
		await context.run({...run!, env});
		return {detail: `container ${step.container} started from ${step.image}`, files: envFile ? [envFile] : []};
	},
};
