import {createHash, createHmac} from 'node:crypto';
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

/** The ids of the secret answers a step holds references to ({secret: id}), wherever they sit in it. */
function secretIdsOf(value: unknown, found = new Set<string>()): Set<string> {
	if (Array.isArray(value)) {
		for (const item of value) secretIdsOf(item, found);
	} else if (value !== null && typeof value === 'object') {
		const entries = Object.entries(value);
		if (entries.length === 1 && entries[0]![0] === 'secret' && typeof entries[0]![1] === 'string') found.add(entries[0]![1]);
		else for (const [, item] of entries) secretIdsOf(item, found);
	}

	return found;
}

/**
 * Each secret answer as a keyed hash (HMAC-SHA256 under the session's random salt), so a step's digest changes with a
 * secret it uses (a new key passphrase) while the session holds neither the secret nor a plain hash of it. Without a
 * salt (a session saved before there was one) secrets are left out, as they were then, so its done steps stay done.
 */
export function secretMarks(salt: string | undefined, secrets: Readonly<Record<string, string>>): Record<string, string> {
	if (salt === undefined) return {};
	return Object.fromEntries(Object.entries(secrets).map(([id, value]) => [id, createHmac('sha256', Buffer.from(salt, 'hex')).update(`${id}\0${value}`).digest('hex')]));
}

/**
 * What a step was run with, as a digest: the step as planned holds every answer that shapes it (names, paths,
 * commands, values) and only references to secrets; `marks` (secretMarks) stand for the values of the secrets it
 * references. A step whose digest changed since it was done must run again.
 */
export function stepDigest(step: Step, marks: Readonly<Record<string, string>> = {}): string {
	// Where a PKI's signed certificates were taken from (resume --signed) is no input of what the step made: a later
	// resume without --signed must not redo the step and all after it.
	const planned = step.kind === 'issue-certificates' && step.ca.mode === 'csr' ? {...step, ca: {mode: step.ca.mode}} : step;
	// Whether a step starts alongside the one before it is when it runs, not what it does.
	const {alongsidePrevious: _when, ...what} = planned;
	const used = [...secretIdsOf(step)].filter(id => marks[id] !== undefined).sort();
	// A step that uses no secret keeps the digest it had before secrets counted, so older sessions line up as they did.
	const input = used.length === 0 ? what : {step: what, secrets: Object.fromEntries(used.map(id => [id, marks[id]]))};
	return createHash('sha256').update(JSON.stringify(canonical(input))).digest('hex');
}
