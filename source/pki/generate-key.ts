import {generateKeyPair, type KeyObject} from 'node:crypto';
import {promisify} from 'node:util';
import type {KeySize, KeyType} from '../plan/types.js';

export type {KeySize, KeyType};

export const keySizes: readonly KeySize[] = [2048, 3072, 4096];

export const keyTypes: readonly KeyType[] = ['rsa', 'ecdsa-p256', 'ecdsa-p384'];

const curves = {'ecdsa-p256': 'prime256v1', 'ecdsa-p384': 'secp384r1'} as const;

const generateKeyPairAsync = promisify(generateKeyPair);

async function makeKey(type: KeyType, bits: KeySize): Promise<KeyObject> {
	if (type === 'rsa') return (await generateKeyPairAsync('rsa', {modulusLength: bits, publicExponent: 0x10001})).privateKey;
	return (await generateKeyPairAsync('ec', {namedCurve: curves[type]})).privateKey;
}

/** Keys being made ahead of the generateKey call that takes them, by type and size. */
const ahead = new Map<string, Array<Promise<KeyObject>>>();

const aheadKey = (type: KeyType, bits: KeySize) => (type === 'rsa' ? `rsa-${bits}` : type);

/**
 * Starts making keys before the step that uses them runs: on the threadpool, they are made while the main thread
 * loads the rest of the run (engine, exec layer, the certificate step's modules). A key nobody takes is never
 * written anywhere and ends with the process.
 */
export function generateKeysAhead(keys: ReadonlyArray<{type: KeyType; bits: KeySize}>): void {
	for (const {type, bits} of keys) {
		const key = makeKey(type, bits);
		// Not taken, a failure must not end the process; taken, generateKey's caller sees it.
		key.catch(() => undefined);
		const queue = ahead.get(aheadKey(type, bits)) ?? [];
		queue.push(key);
		ahead.set(aheadKey(type, bits), queue);
	}
}

/**
 * Native key generation on the libuv threadpool: the event loop keeps running (a spinner keeps spinning), and
 * several keys are made in parallel. An RSA key has `bits`; an ECDSA key's size is its curve's. A key of the same
 * type and size made ahead (generateKeysAhead) is taken first.
 */
export async function generateKey(type: KeyType, bits: KeySize): Promise<KeyObject> {
	return ahead.get(aheadKey(type, bits))?.shift() ?? makeKey(type, bits);
}

/** How a key is named to a user: "RSA 2048", "ECDSA P-256". */
export function keyDescription(type: KeyType, bits: KeySize): string {
	return type === 'rsa' ? `RSA ${bits}` : `ECDSA ${type === 'ecdsa-p256' ? 'P-256' : 'P-384'}`;
}
