import {dirname, join} from 'node:path';
import {StepFailedError} from '../errors.js';
import type {CommandSpec} from '../exec/types.js';
import type {KubeSecretStep} from '../plan/types.js';
import {kubectlTarget} from './kube-flags.js';
import type {StepRunner} from './types.js';

/*
 * Render, then apply: `kubectl create secret ... --dry-run=client -o yaml` builds the Secret from the files (so
 * kubectl, not this tool, does the base64 and the key checks), its stdout goes straight to a 0600 file
 * (CommandSpec.outputFile: never shown, never in a log), and `kubectl apply -f` creates or updates it.
 * This is idempotent and atomic on the server, unlike delete + create (a window without the secret) or
 * create + replace (two code paths, and replace fails when the secret is missing). There is no shell pipe:
 * the file is the pipe, and it is the same in apply.sh.
 */

const tlsType = 'kubernetes.io/tls';

function renderedDir(step: KubeSecretStep): string {
	const [first] = step.files;
	if (!first) throw new StepFailedError(`${step.id}: secret ${step.name} has no files to hold.`, step.id, 'Fix the recipe: a secret needs at least one file.');
	return dirname(first.path);
}

function renderedSecretPath(step: KubeSecretStep): string {
	return join(renderedDir(step), `kube-secret-${step.namespace}-${step.name}.yaml`);
}

function renderedNamespacePath(step: KubeSecretStep): string {
	return join(renderedDir(step), `kube-namespace-${step.namespace}.yaml`);
}

function checkTlsKeys(step: KubeSecretStep): void {
	const keys = new Set(step.files.map(f => f.key));
	const isTls = step.type === 'tls' || step.secretType === tlsType;
	if (isTls && !(keys.has('tls.crt') && keys.has('tls.key'))) {
		throw new StepFailedError(
			`${step.id}: a ${tlsType} secret needs the keys tls.crt and tls.key; ${step.name} has ${[...keys].join(', ')}.`,
			step.id,
			'Fix the recipe: use type generic, or name the keys tls.crt and tls.key.',
		);
	}
}

/** `tls` secrets are made as generic ones with --type, so they can carry ca.crt beside the pair. */
function secretTypeFlag(step: KubeSecretStep): string[] {
	const type = step.type === 'tls' ? tlsType : step.secretType;
	return type ? [`--type=${type}`] : [];
}

export const kubeSecretRunner: StepRunner<KubeSecretStep> = {
	kind: 'kube-secret',
	commands(step) {
		checkTlsKeys(step);
		const target = kubectlTarget(step);
		const commands: CommandSpec[] = [];
		if (step.createNamespace) {
			const namespaceFile = renderedNamespacePath(step);
			commands.push(
				{
					file: 'kubectl',
					args: ['create', 'namespace', step.namespace, '--dry-run=client', '-o', 'yaml', ...target.slice(2)],
					outputFile: namespaceFile,
					note: `Namespace ${step.namespace}, created if missing (apply leaves an existing one as it is).`,
				},
				{file: 'kubectl', args: ['apply', '-f', namespaceFile, ...target.slice(2)]},
			);
		}

		const secretFile = renderedSecretPath(step);
		commands.push(
			{
				file: 'kubectl',
				args: [
					'create',
					'secret',
					'generic',
					step.name,
					...target,
					...secretTypeFlag(step),
					...step.files.map(f => `--from-file=${f.key}=${f.path}`),
					'--dry-run=client',
					'-o',
					'yaml',
				],
				outputFile: secretFile,
				note: `Render secret ${step.namespace}/${step.name} into a 0600 file (it holds the key material).`,
			},
			{file: 'kubectl', args: ['apply', '-f', secretFile, ...target]},
		);
		return commands;
	},
	files: step => [
		...(step.createNamespace ? [{path: renderedNamespacePath(step), mode: 0o600, note: `Namespace manifest for ${step.namespace}`}] : []),
		{path: renderedSecretPath(step), mode: 0o600, note: `Secret manifest ${step.name} (${step.files.map(f => f.key).join(', ')}), rendered by kubectl`},
	],
	async run(step, context) {
		for (const command of kubeSecretRunner.commands(step)) {
			try {
				await context.run(command);
			} catch (error) {
				if (error instanceof StepFailedError && /field is immutable|immutable/i.test(error.message) && command.args[0] === 'apply') {
					throw new StepFailedError(
						`Secret ${step.namespace}/${step.name} already exists with another type; a Secret's type cannot change.`,
						step.id,
						`Delete it, then run again: kubectl delete secret ${step.name} ${kubectlTarget(step).join(' ')}`,
					);
				}

				throw error;
			}
		}

		return {detail: `secret ${step.namespace}/${step.name} applied (${step.files.map(f => f.key).join(', ')})`, files: [renderedSecretPath(step)]};
	},
};
