import {existsSync} from 'node:fs';
import {generateKeysAhead} from '../pki/generate-key.js';
import type {Plan} from '../plan/types.js';

/** As many keys as the threadpool makes at once (UV_THREADPOOL_SIZE, 4 by default): a fleet's others come in turn. */
const aheadAtMost = 4;

/**
 * Starts the keys a run's certificate step will make, while the run loads: the CA's when it generates one, then
 * the leaves'. Only for a certificates directory that does not exist yet, where nothing can be reused; csr mode makes
 * its keys with its requests, and a directory already there may hold keys that are kept.
 */
export function startKeysAhead(plan: Plan): void {
	const step = plan.steps.find(candidate => candidate.kind === 'issue-certificates');
	if (step?.kind !== 'issue-certificates' || step.ca.mode === 'csr' || existsSync(step.dir)) return;
	const keys = [
		...(step.ca.mode === 'generate' ? [{type: step.ca.keyType ?? 'rsa', bits: step.ca.keySize} as const] : []),
		...step.leaves.map(leaf => ({type: leaf.keyType ?? 'rsa', bits: leaf.keySize} as const)),
	];
	generateKeysAhead(keys.slice(0, aheadAtMost));
}
