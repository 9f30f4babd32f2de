import {readFile} from 'node:fs/promises';
import {StepFailedError} from '../errors.js';
import type {CommandSpec} from '../exec/types.js';
import {writeFileAtomic} from '../exec/write-file-atomic.js';
import type {KubectlApplyStep} from '../plan/types.js';
import {kubectlTarget} from './kube-flags.js';
import {pendingPodReason} from './pending-pod-reason.js';
import {patchManifest} from './patch-manifest.js';
import {secretResolver} from './secret-values.js';
import type {StepContext, StepRunner} from './types.js';

async function readSource(step: KubectlApplyStep, source: string): Promise<string> {
	try {
		return await readFile(source, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const problem = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code})`;
		throw new StepFailedError(`The manifest ${source} ${problem}.`, step.id, 'Give the path of the manifest file you downloaded (the recipe answer for it).');
	}
}

/** Writes the patched copy of the user's manifest: 0600, since vendor manifests carry tokens. */
export async function writePatchedManifest(step: KubectlApplyStep, secrets: Readonly<Record<string, string>>): Promise<string | undefined> {
	if (!step.patchFrom) return undefined;
	const text = await readSource(step, step.patchFrom.source);
	const patched = patchManifest(text, step.patchFrom.patches, secretResolver(secrets, step.id), step.patchFrom.source, step.id);
	await writeFileAtomic(step.manifest, patched, 0o600);
	return step.manifest;
}

/** A rollout that never finishes is mostly a pod that never started: say why, from the pod's events. */
async function waitForRollout(step: KubectlApplyStep, resource: string, command: CommandSpec, context: StepContext): Promise<void> {
	try {
		await context.run(command);
	} catch (error) {
		if (!(error instanceof StepFailedError) || context.signal.aborted) throw error;
		const reason = await pendingPodReason(step, resource, {env: context.env, signal: context.signal});
		if (!reason) throw error;
		throw new StepFailedError(`${resource} did not roll out within ${step.waitSeconds}s`, step.id, `The pod never started: ${reason}`);
	}
}

export const kubectlApplyRunner: StepRunner<KubectlApplyStep> = {
	kind: 'kubectl-apply',
	commands(step) {
		const target = kubectlTarget(step);
		return [
			{file: 'kubectl', args: ['apply', '-f', step.manifest, ...target]},
			...(step.rolloutResource
				? [
						{
							file: 'kubectl' as const,
							args: ['rollout', 'status', step.rolloutResource, ...target, `--timeout=${step.waitSeconds}s`],
							note: `Wait until ${step.rolloutResource} has rolled out.`,
						},
					]
				: []),
		];
	},
	files: step =>
		step.patchFrom
			? [
					{
						path: step.manifest,
						mode: 0o600,
						note: `copy of ${step.patchFrom.source} with: ${step.patchFrom.patches.map(p => p.description).join('; ')}`,
					},
				]
			: [],
	async run(step, context) {
		const written = await writePatchedManifest(step, context.secrets);
		const [apply, rollout] = kubectlApplyRunner.commands(step);
		if (apply) await context.run(apply);
		if (rollout && step.rolloutResource) await waitForRollout(step, step.rolloutResource, rollout, context);
		return {detail: `applied ${step.manifest}${step.rolloutResource ? `; ${step.rolloutResource} rolled out` : ''}`, files: written ? [written] : []};
	},
};
