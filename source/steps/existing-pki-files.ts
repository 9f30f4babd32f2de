import {createPrivateKey, type KeyObject} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {keyDescription} from '../pki/generate-key.js';
import type {LeafSpec} from '../plan/types.js';

/** The text of a file the step may have written before, or undefined when it is not there. */
export async function readIfPresent(path: string): Promise<string | undefined> {
	try {
		return await readFile(path, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
}

/** Why an existing key cannot carry this leaf, or the key itself. */
export function readLeafKey(leaf: LeafSpec, keyPem: string, passphrase: string | undefined): {key: KeyObject} | {problem: string} {
	// Harness and others accept only PKCS#8 (platforms.md §4.2); an encrypted key only when the recipe asks for one.
	const expectedHeader = passphrase === undefined ? '-----BEGIN PRIVATE KEY-----' : '-----BEGIN ENCRYPTED PRIVATE KEY-----';
	if (!keyPem.trim().startsWith(expectedHeader)) return {problem: `it is not ${passphrase === undefined ? 'an unencrypted' : 'an encrypted'} PKCS#8 key`};
	let key: KeyObject;
	try {
		key = createPrivateKey({key: keyPem, format: 'pem', ...(passphrase === undefined ? {} : {passphrase})});
	} catch {
		return {problem: passphrase === undefined ? 'it cannot be read as a private key' : 'it cannot be read with the given passphrase'};
	}

	const wanted = keyDescription(leaf.keyType ?? 'rsa', leaf.keySize);
	const details = key.asymmetricKeyDetails ?? {};
	const curveNames: Record<string, string> = {prime256v1: 'P-256', secp384r1: 'P-384'};
	const actual = key.asymmetricKeyType === 'rsa' ? `RSA ${details.modulusLength}` : key.asymmetricKeyType === 'ec' ? `ECDSA ${curveNames[details.namedCurve ?? ''] ?? details.namedCurve}` : `a ${key.asymmetricKeyType} key`;
	if (actual !== wanted) return {problem: `it is ${actual}, and the plan asks for ${wanted}`};
	return {key};
}

