import {generateKeyPair, type KeyObject} from 'node:crypto';
import {promisify} from 'node:util';
import type {KeySize, KeyType} from '../plan/types.js';

export type {KeySize, KeyType};

export const keySizes: readonly KeySize[] = [2048, 3072, 4096];

export const keyTypes: readonly KeyType[] = ['rsa', 'ecdsa-p256', 'ecdsa-p384'];

const curves = {'ecdsa-p256': 'prime256v1', 'ecdsa-p384': 'secp384r1'} as const;

const generateKeyPairAsync = promisify(generateKeyPair);

/**
 * Native key generation on the libuv threadpool: the event loop keeps running (a spinner keeps spinning), and
 * several keys are made in parallel. An RSA key has `bits`; an ECDSA key's size is its curve's.
 */
export async function generateKey(type: KeyType, bits: KeySize): Promise<KeyObject> {
	if (type === 'rsa') return (await generateKeyPairAsync('rsa', {modulusLength: bits, publicExponent: 0x10001})).privateKey;
	return (await generateKeyPairAsync('ec', {namedCurve: curves[type]})).privateKey;
}

/** How a key is named to a user: "RSA 2048", "ECDSA P-256". */
export function keyDescription(type: KeyType, bits: KeySize): string {
	return type === 'rsa' ? `RSA ${bits}` : `ECDSA ${type === 'ecdsa-p256' ? 'P-256' : 'P-384'}`;
}
