import {generateKeyPair, type KeyObject} from 'node:crypto';
import {promisify} from 'node:util';
import type {KeySize} from '../plan/types.js';

export type {KeySize};

export const keySizes: readonly KeySize[] = [2048, 3072, 4096];

const generateKeyPairAsync = promisify(generateKeyPair);

/**
 * Native RSA key generation on the libuv threadpool: the event loop keeps running (a spinner keeps spinning),
 * and several keys are made in parallel. node-forge only builds the X.509 structures.
 */
export async function generateRsaKey(bits: KeySize): Promise<KeyObject> {
	const {privateKey} = await generateKeyPairAsync('rsa', {modulusLength: bits, publicExponent: 0x10001});
	return privateKey;
}
