import {createHash} from 'node:crypto';
import type {Step} from './types.js';

function canonical(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(item => canonical(item));
	if (value === null || typeof value !== 'object') return value;
	return Object.fromEntries(
		Object.entries(value)
			.filter(([, item]) => item !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
			.map(([key, item]) => [key, canonical(item)]),
	);
}

/**
 * What a step was run with, as a digest: the step as planned holds every answer that shapes it (names, paths,
 * commands, values) and only references to secrets, so a step whose digest changed since it was done must run again.
 */
export function stepDigest(step: Step): string {
	// Where a PKI's signed certificates were taken from (resume --signed) is no input of what the step made: a later
	// resume without --signed must not redo the step and all after it.
	const planned = step.kind === 'issue-certificates' && step.ca.mode === 'csr' ? {...step, ca: {mode: step.ca.mode}} : step;
	// Whether a step starts alongside the one before it is when it runs, not what it does.
	const {alongsidePrevious: _when, ...what} = planned;
	return createHash('sha256').update(JSON.stringify(canonical(what))).digest('hex');
}
