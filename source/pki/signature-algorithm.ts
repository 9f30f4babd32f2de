import {constants, sign, type KeyObject, type SignKeyObjectInput} from 'node:crypto';
import {promisify} from 'node:util';
import {contextConstructed, der, derTag, oid, sequence, smallInteger} from './der.js';

const signAsync = promisify(sign);

/** How a key signs a certificate: the AlgorithmIdentifier written into it, and the signing itself (on the threadpool). */
export type Signer = {algorithmIdentifier: Buffer; name: string; sign(data: Buffer): Promise<Buffer>};

const digestOids: Record<string, string> = {sha256: '2.16.840.1.101.3.4.2.1', sha384: '2.16.840.1.101.3.4.2.2', sha512: '2.16.840.1.101.3.4.2.3'};
const digestLength: Record<string, number> = {sha256: 32, sha384: 48, sha512: 64};
const nullValue = der(derTag.null);

const ecdsa: Record<string, {digest: string; oid: string; name: string}> = {
	prime256v1: {digest: 'sha256', oid: '1.2.840.10045.4.3.2', name: 'ecdsa-with-SHA256'},
	secp384r1: {digest: 'sha384', oid: '1.2.840.10045.4.3.3', name: 'ecdsa-with-SHA384'},
	secp521r1: {digest: 'sha512', oid: '1.2.840.10045.4.3.4', name: 'ecdsa-with-SHA512'},
};

function pss(key: KeyObject): Signer {
	// A key restricted to PSS parameters must sign with exactly those; an unrestricted one uses SHA-256, salt 32.
	const details = key.asymmetricKeyDetails ?? {};
	const digest = details.hashAlgorithm ?? 'sha256';
	const mgf1 = details.mgf1HashAlgorithm ?? digest;
	const saltLength = details.saltLength ?? digestLength[digest] ?? 32;
	if (!digestOids[digest] || !digestOids[mgf1]) throw new Error(`RSA-PSS with ${digest}/${mgf1} is not supported`);
	const parameters = sequence(
		der(contextConstructed(0), sequence(oid(digestOids[digest]), nullValue)),
		der(contextConstructed(1), sequence(oid('1.2.840.113549.1.1.8'), sequence(oid(digestOids[mgf1]), nullValue))),
		der(contextConstructed(2), smallInteger(saltLength)),
	);
	const input: SignKeyObjectInput = {key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength};
	return {algorithmIdentifier: sequence(oid('1.2.840.113549.1.1.10'), parameters), name: `RSASSA-PSS (${digest.toUpperCase()})`, sign: async data => signAsync(digest, data, input)};
}

/**
 * A CA signs with its own key's algorithm: RSA PKCS#1 v1.5 with SHA-256, RSA-PSS, ECDSA with the hash that matches
 * its curve (P-256/SHA-256, P-384/SHA-384, P-521/SHA-512), or Ed25519/Ed448. undefined for any other key.
 */
export function signerFor(key: KeyObject): Signer | undefined {
	switch (key.asymmetricKeyType) {
		case 'rsa':
			return {
				algorithmIdentifier: sequence(oid('1.2.840.113549.1.1.11'), nullValue),
				name: 'sha256WithRSAEncryption',
				sign: async data => signAsync('sha256', data, key),
			};
		case 'rsa-pss':
			return pss(key);
		case 'ec': {
			const curve = ecdsa[key.asymmetricKeyDetails?.namedCurve ?? ''];
			if (!curve) return undefined;
			return {algorithmIdentifier: sequence(oid(curve.oid)), name: curve.name, sign: async data => signAsync(curve.digest, data, key)};
		}

		case 'ed25519':
			return {algorithmIdentifier: sequence(oid('1.3.101.112')), name: 'ED25519', sign: async data => signAsync(null, data, key)};
		case 'ed448':
			return {algorithmIdentifier: sequence(oid('1.3.101.113')), name: 'ED448', sign: async data => signAsync(null, data, key)};
		default:
			return undefined;
	}
}
