import {createHash, createPublicKey, randomBytes, type KeyObject} from 'node:crypto';
import {bitString, booleanTrue, children, readNode, contextConstructed, contextPrimitive, der, derTag, octetString, oid, sequence, smallInteger, unsignedInteger, utf8String} from './der.js';
import {keyUsageNames} from './certificate-profile.js';
import {ipAddressBytes} from './ip-address.js';
import type {Signer} from './signature-algorithm.js';

/*
 * X.509 v3 certificates and PKCS#10 requests built as DER and signed through native crypto, for every key type.
 * node-forge's X.509 layer serves RSA only and re-encodes names (a UTF-8 issuer came out double-encoded), so it is
 * not used here; the issuer Name is the CA's subject copied byte for byte.
 */

/** Name ::= SEQUENCE OF RDN; here one RDN, commonName as UTF8String (any script). */
export function commonNameDer(commonName: string): Buffer {
	return sequence(der(derTag.set, sequence(oid('2.5.4.3'), utf8String(commonName))));
}

export function publicKeyInfo(key: KeyObject): Buffer {
	return createPublicKey(key).export({type: 'spki', format: 'der'});
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits (after the BIT STRING's unused-bits octet). */
export function keyIdentifier(spki: Buffer): Buffer {
	return createHash('sha1').update(children(readNode(spki))[1]!.content.subarray(1)).digest();
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
	return sequence(oid(id), ...(critical ? [booleanTrue()] : []), octetString(value));
}

export type Usage = (typeof keyUsageNames)[number];

export const extensions = {
	basicConstraints(ca: boolean): Buffer {
		// cA DEFAULT FALSE is omitted in DER.
		return extension('2.5.29.19', true, ca ? sequence(booleanTrue()) : sequence());
	},
	keyUsage(usages: Usage[]): Buffer {
		const bits = usages.map(usage => keyUsageNames.indexOf(usage));
		const last = Math.max(...bits);
		const bytes = Buffer.alloc(Math.floor(last / 8) + 1);
		for (const bit of bits) bytes[Math.floor(bit / 8)]! |= 0x80 >> bit % 8;
		// A named bit list drops its trailing zero bits in DER.
		return extension('2.5.29.15', true, bitString(bytes, 7 - (last % 8)));
	},
	extendedKeyUsage(purposes: Array<'serverAuth' | 'clientAuth'>): Buffer {
		const ids = {serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2'};
		return extension('2.5.29.37', false, sequence(...purposes.map(p => oid(ids[p]))));
	},
	subjectAltName(dnsNames: string[], ipAddresses: string[]): Buffer {
		const names = [...dnsNames.map(name => der(contextPrimitive(2), Buffer.from(name, 'ascii'))), ...ipAddresses.map(ip => der(contextPrimitive(7), ipAddressBytes(ip)))];
		return extension('2.5.29.17', false, sequence(...names));
	},
	subjectKeyIdentifier(id: Buffer): Buffer {
		return extension('2.5.29.14', false, octetString(id));
	},
	authorityKeyIdentifier(id: Buffer): Buffer {
		return extension('2.5.29.35', false, sequence(der(contextPrimitive(0), id)));
	},
};

/** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5), to the second. */
function time(date: Date): Buffer {
	const iso = date.toISOString();
	const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
	return date.getUTCFullYear() < 2050 ? der(derTag.utcTime, Buffer.from(digits.slice(2))) : der(derTag.generalizedTime, Buffer.from(digits));
}

/** 16 random bytes, positive and never with a leading zero byte: always 16 bytes in DER. */
function randomSerial(): Buffer {
	const bytes = randomBytes(16);
	bytes[0] = (bytes[0]! & 0x7f) | 0x40;
	return unsignedInteger(bytes);
}

export function toPem(label: string, data: Buffer): string {
	return `-----BEGIN ${label}-----\n${data.toString('base64').replaceAll(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END ${label}-----\n`;
}

export type CertificateInput = {
	subject: Buffer;
	/** The issuer's subject exactly as its certificate holds it; the subject itself for a self-signed CA. */
	issuer: Buffer;
	/** The subject's SubjectPublicKeyInfo (publicKeyInfo): callers computing its key identifier export the key once. */
	publicKeyInfo: Buffer;
	signer: Signer;
	notAfter: Date;
	extensions: Buffer[];
};

export async function buildCertificate(input: CertificateInput): Promise<{pem: string; der: Buffer}> {
	// Five minutes in the past, so a peer whose clock is a little behind does not see "not yet valid".
	const notBefore = new Date(Math.floor((Date.now() - 5 * 60_000) / 1000) * 1000);
	const tbs = sequence(
		der(contextConstructed(0), smallInteger(2)),
		randomSerial(),
		input.signer.algorithmIdentifier,
		input.issuer,
		sequence(time(notBefore), time(input.notAfter)),
		input.subject,
		input.publicKeyInfo,
		der(contextConstructed(3), sequence(...input.extensions)),
	);
	const signature = await input.signer.sign(tbs);
	const certificate = sequence(tbs, input.signer.algorithmIdentifier, bitString(signature));
	return {pem: toPem('CERTIFICATE', certificate), der: certificate};
}

/** A PKCS#10 request signed by the key it certifies; the extensions travel in an extensionRequest attribute. */
export async function buildCertificationRequest(input: {subject: Buffer; key: KeyObject; signer: Signer; extensions: Buffer[]}): Promise<string> {
	const extensionRequest = sequence(oid('1.2.840.113549.1.9.14'), der(derTag.set, sequence(...input.extensions)));
	const info = sequence(smallInteger(0), input.subject, publicKeyInfo(input.key), der(contextConstructed(0), extensionRequest));
	const signature = await input.signer.sign(info);
	return toPem('CERTIFICATE REQUEST', sequence(info, input.signer.algorithmIdentifier, bitString(signature)));
}
