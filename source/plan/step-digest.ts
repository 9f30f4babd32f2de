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
	return createHash('sha256').update(JSON.stringify(canonical(step))).digest('hex');
}
