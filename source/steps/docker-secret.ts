import {X509Certificate} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {StepFailedError} from '../errors.js';
import type {CommandSpec} from '../exec/types.js';
import {fingerprintLabel} from '../plan/certificate-copies.js';
import type {DockerSecretStep} from '../plan/types.js';
import {pemBlocks} from '../pki/pem-blocks.js';
import type {StepRunner} from './types.js';

/*
 * Docker secrets are immutable: new contents mean remove, then create. Removal fails while a service uses the
 * secret, and the swarm-service step that recreates the service comes after this one, so a re-run against a
 * running service cannot replace the secret by itself without taking the service down first. Rather than remove
 * someone's service from a secret step, it stops and names the command that frees the secret.
 */
const labelIndex = 3;

/** Shown in place of the fingerprint, which exists only once the certificate is issued. */
function labelPlaceholder(step: DockerSecretStep): string {
	return `${fingerprintLabel}=<SHA-256 fingerprint of ${step.file}>`;
}

function createCommand(step: DockerSecretStep): CommandSpec {
	if (!step.labelFingerprint) return {file: 'docker', args: ['secret', 'create', step.name, step.file]};
	const args = ['secret', 'create', '--label', labelPlaceholder(step), step.name, step.file];
	return {
		file: 'docker',
		args,
		scriptArgs: {[labelIndex]: `"${fingerprintLabel}=$(openssl x509 -noout -fingerprint -sha256 -in {{arg:${args.length - 1}}} | cut -d= -f2)"`},
		note: `The label carries the certificate's fingerprint: a swarm never hands a secret's data back, and mtls-wizard status compares by it.`,
	};
}

/** The create command with the real fingerprint in its label, read from the certificate the plan issued. */
async function withFingerprint(command: CommandSpec, step: DockerSecretStep): Promise<CommandSpec> {
	if (!step.labelFingerprint) return command;
	const [first] = pemBlocks(await readFile(step.file, 'utf8'), ['CERTIFICATE']);
	if (!first) throw new StepFailedError(`${step.file} holds no PEM certificate, so docker secret ${step.name} cannot carry its fingerprint.`, step.id, 'Run again from the start so the certificates step writes it.');
	const args = [...command.args];
	args[labelIndex] = `${fingerprintLabel}=${new X509Certificate(first).fingerprint256}`;
	return {...command, args};
}

export const dockerSecretRunner: StepRunner<DockerSecretStep> = {
	kind: 'docker-secret',
	commands: step => [
		{
			file: 'docker',
			args: ['secret', 'rm', step.name],
			okExitCodes: [1],
			note: `Docker secrets cannot change: remove ${step.name} if it exists (this fails while a service uses it).`,
		},
		createCommand(step),
	],
	async run(step, context) {
		const [remove, plannedCreate] = dockerSecretRunner.commands(step);
		const create = await withFingerprint(plannedCreate!, step);
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

		await context.run(create);
		return {detail: `docker secret ${step.name} created from ${step.file}`};
	},
};
