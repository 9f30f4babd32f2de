import {createHash, createHmac, scrypt} from 'node:crypto';
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
 * How a session derives its secret marks: 'scrypt' for sessions made since it existed; absent, the HMAC-SHA256 that
 * sessions made before keep, so their done steps stay done.
 */
export type MarksKdf = 'scrypt';

/**
 * scrypt's interactive cost (N=2^14, r=8: 16 MiB, some 50 ms): a guess at a secret checked against a session's step
 * digests costs as much, where a plain keyed hash cost well under the PBKDF2 of the encrypted key file beside it.
 */
const scryptCost = {N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024};

/** On the threadpool: a run with several secrets derives them in parallel and its event loop keeps turning. */
async function scryptMark(value: string, salt: Buffer): Promise<string> {
	return new Promise((resolve, reject) => {
		scrypt(value, salt, 32, scryptCost, (error, key) => {
			if (error) reject(error);
			else resolve(key.toString('hex'));
		});
	});
}

/**
 * Each secret answer as a mark derived under the session's random salt, so a step's digest changes with a secret it
 * uses (a new key passphrase) while the session holds neither the secret nor a plain hash of it. With `kdf` scrypt
 * (sessions made now) the mark costs a guesser as much as scrypt does; without it, the HMAC older sessions recorded.
 * Without a salt (a session saved before there was one) secrets are left out, as they were then, so its done steps
 * stay done.
 */
export async function secretMarks(salt: string | undefined, secrets: Readonly<Record<string, string>>, kdf?: MarksKdf): Promise<Record<string, string>> {
	if (salt === undefined) return {};
	const key = Buffer.from(salt, 'hex');
	const marks = await Promise.all(
		Object.entries(secrets).map(async ([id, value]) => [id, kdf === 'scrypt' ? await scryptMark(value, Buffer.concat([key, Buffer.from(`\0${id}`)])) : createHmac('sha256', key).update(`${id}\0${value}`).digest('hex')] as const),
	);
	return Object.fromEntries(marks);
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
