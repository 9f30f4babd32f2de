import type forge from 'node-forge';
import asn1 from 'node-forge/lib/asn1.js';
import oids from 'node-forge/lib/oids.js';
import {keyUsageNames} from './certificate-profile.js';

/*
 * Node's X509Certificate exposes neither keyUsage bits nor the signature algorithm, and forge's
 * certificateFromPem refuses any key that is not RSA. Reading those two fields from the DER directly
 * lets inspect describe EC and Ed25519 certificates too.
 */

// forge's OID table knows the RSA signatures only.
const signatureNames: Record<string, string> = {
	'1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
	'1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
	'1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
	'1.3.101.112': 'ED25519',
};

const oidKeyUsage = '2.5.29.15';
const oidBasicConstraints = '2.5.29.19';

type Asn1 = forge.asn1.Asn1;

function children(node: Asn1 | undefined): Asn1[] {
	return Array.isArray(node?.value) ? node.value : [];
}

function decodeBitString(bytes: string): string[] {
	// First byte: number of unused bits; bit 0 of the usage is the most significant bit of the next byte.
	const names: string[] = [];
	for (let bit = 0; bit < keyUsageNames.length; bit++) {
		const byte = bytes.charCodeAt(1 + Math.floor(bit / 8));
		if (!Number.isNaN(byte) && byte & (0x80 >> bit % 8)) names.push(keyUsageNames[bit]!);
	}

	return names;
}

export type CertificateDetails = {keyUsage: string[] | undefined; isCa: boolean; signatureAlgorithm: string};

export function readCertificateDetails(der: Buffer): CertificateDetails {
	const certificate = asn1.fromDer(der.toString('binary'));
	const [tbs, signatureAlgorithm] = children(certificate);
	const signatureOid = asn1.derToOid(children(signatureAlgorithm)[0]?.value as string);
	const extensionsWrapper = children(tbs).find(n => n.tagClass === asn1.Class.CONTEXT_SPECIFIC && n.type === 3);
	let keyUsage: string[] | undefined;
	let isCa = false;
	for (const extension of children(children(extensionsWrapper)[0])) {
		const parts = children(extension);
		const oid = asn1.derToOid(parts[0]?.value as string);
		const value = asn1.fromDer(parts.at(-1)?.value as string);
		if (oid === oidKeyUsage) keyUsage = decodeBitString(value.value as string);
		// BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }
		const first = children(value)[0];
		if (oid === oidBasicConstraints && first?.type === asn1.Type.BOOLEAN) isCa = first.value !== '\x00';
	}

	return {keyUsage, isCa, signatureAlgorithm: signatureNames[signatureOid] ?? oids[signatureOid] ?? signatureOid};
}
