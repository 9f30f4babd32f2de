import {basename, join, parse, posix, relative, sep} from 'node:path';
import {placeIn} from '../path-within.js';
import type {KubeTarget, Plan} from './types.js';

/** The label a docker-secret step sets on a certificate secret (DockerSecretStep.labelFingerprint). */
export const fingerprintLabel = 'mtls-wizard.sha256';

/**
 * Where a plan put each certificate it issued: the copy on disk, and every copy in a target that status can read
 * back. Key files are left out: status shows certificates, never key material.
 */
export type TargetCopy =
	| ({kind: 'kube-secret'; stepId: string; secret: string; key: string} & KubeTarget)
	| {kind: 'docker-secret'; stepId: string; secret: string}
	| {kind: 'container-file'; stepId: string; container: string; path: string};

export type CertificateCopies = {
	/** ca, or the leaf id. */
	id: string;
	file: string;
	copies: TargetCopy[];
};

export function certificateCopies(plan: Plan): CertificateCopies[] {
	// The last: a CA rotation issues the new CA alone first, then the leaves from it, the PKI it ends with.
	const issue = plan.steps.findLast(step => step.kind === 'issue-certificates');
	if (issue?.kind !== 'issue-certificates') return [];
	// A fleet agent's certificate is in its own agents/<name>/ and is named by its leaf and agent: `agent edge-1`.
	const certificates = [
		{id: 'ca', file: join(issue.dir, 'ca.crt')},
		...issue.leaves.map(leaf => ({id: leaf.dir ? `${leaf.id} ${basename(leaf.dir)}` : leaf.id, file: join(leaf.dir ?? issue.dir, `${leaf.id}.crt`)})),
	];
	return certificates.map(({id, file}) => ({id, file, copies: copiesOf(plan, file)}));
}

/** Each place once, though several steps put the file there (a rotation deploys a container in two phases). */
function copiesOf(plan: Plan, file: string): TargetCopy[] {
	const seen = new Set<string>();
	return stepCopies(plan, file).filter(copy => {
		const {stepId: _, ...place} = copy;
		const key = JSON.stringify(place);
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

function stepCopies(plan: Plan, file: string): TargetCopy[] {
	return plan.steps.flatMap((step): TargetCopy[] => {
		switch (step.kind) {
			case 'kube-secret':
				return step.files
					.filter(entry => entry.path === file)
					.map(entry => ({kind: 'kube-secret', stepId: step.id, secret: step.name, key: entry.key, namespace: step.namespace, ...(step.context ? {context: step.context} : {})}));
			case 'docker-secret':
				return step.file === file ? [{kind: 'docker-secret', stepId: step.id, secret: step.name}] : [];
			case 'docker-run':
				return step.mounts.flatMap(mount => {
					const inside = pathInMount(mount.source, mount.target, file);
					return inside === undefined ? [] : [{kind: 'container-file' as const, stepId: step.id, container: step.container, path: inside}];
				});
			default:
				return [];
		}
	});
}

/**
 * The file's path inside the container: the mount is the file itself, or a directory holding it. A mount of the host's
 * whole root (the Portainer Edge Agent's `-v /:/host`) holds every file without being a copy of any: what it shows is
 * the file on disk, read as such. Reading it back through it, docker cp mounts the host's every mount again, which a
 * busy host refuses (ENOSPC).
 */
function pathInMount(source: string, target: string, file: string): string | undefined {
	if (parse(source).root === source) return undefined;
	const place = placeIn(source, file);
	if (place === 'self') return target;
	return place === 'inside' ? posix.join(target, relative(source, file).split(sep).join('/')) : undefined;
}
