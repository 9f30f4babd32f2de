import {children, decodeOid, derTag, readNode, type DerNode} from './der.js';

/*
 * The fields of a certificate that decide what it may sign and what a TLS client accepts, read from its DER for
 * any key type (node-forge's X.509 parser takes RSA only, Node's X509Certificate shows neither keyUsage, name
 * constraints nor path length).
 */

export type Subtree = {kind: 'dns'; name: string} | {kind: 'ip'; address: Buffer; mask: Buffer} | {kind: 'directoryName'} | {kind: 'other'; tag: number};

export type NameConstraints = {permitted: Subtree[]; excluded: Subtree[]};

export type CertificateProfile = {
	/** The DER of the subject Name, exactly as the certificate holds it. */
	subjectDer: Buffer;
	issuerDer: Buffer;
	/** The subjectPublicKey BIT STRING's content after the unused-bits octet, which the key identifier hashes. */
	publicKeyBits: Buffer;
	signatureOid: string;
	subjectKeyId: Buffer | undefined;
	authorityKeyId: Buffer | undefined;
	/** undefined when the extension is absent. */
	basicConstraints: {ca: boolean; pathLength: number | undefined} | undefined;
	/** Usage names; undefined when the extension is absent (any usage). */
	keyUsage: string[] | undefined;
	/** EKU OIDs; undefined when the extension is absent (any purpose). */
	extendedKeyUsage: string[] | undefined;
	nameConstraints: NameConstraints | undefined;
	dnsNames: string[];
	/** IP SANs as their 4 or 16 bytes. */
	ipAddresses: Buffer[];
};

export const keyUsageNames = [
	'digitalSignature',
	'nonRepudiation',
	'keyEncipherment',
	'dataEncipherment',
	'keyAgreement',
	'keyCertSign',
	'cRLSign',
	'encipherOnly',
	'decipherOnly',
] as const;

const oids = {
	subjectKeyId: '2.5.29.14',
	keyUsage: '2.5.29.15',
	subjectAltName: '2.5.29.17',
	basicConstraints: '2.5.29.19',
	nameConstraints: '2.5.29.30',
	authorityKeyId: '2.5.29.35',
	extendedKeyUsage: '2.5.29.37',
};

function decodeKeyUsage(bits: Buffer): string[] {
	// First octet: the number of unused bits; usage bit 0 is the most significant bit of the next octet.
	return keyUsageNames.filter((_, bit) => {
		const byte = bits[1 + Math.floor(bit / 8)];
		return byte !== undefined && (byte & (0x80 >> bit % 8)) !== 0;
	});
}

function decodeSubtree(generalSubtree: DerNode): Subtree {
	const base = children(generalSubtree)[0]!;
	if (base.tag === 0x82) return {kind: 'dns', name: base.content.toString('latin1').toLowerCase()};
	if (base.tag === 0x87) {
		const half = base.content.length / 2;
		return {kind: 'ip', address: Buffer.from(base.content.subarray(0, half)), mask: Buffer.from(base.content.subarray(half))};
	}

	if (base.tag === 0xa4) return {kind: 'directoryName'};
	return {kind: 'other', tag: base.tag};
}

function decodeNameConstraints(value: DerNode): NameConstraints {
	const constraints: NameConstraints = {permitted: [], excluded: []};
	for (const part of children(value)) {
		const subtrees = children(part).map(decodeSubtree);
		if (part.tag === 0xa0) constraints.permitted.push(...subtrees);
		if (part.tag === 0xa1) constraints.excluded.push(...subtrees);
	}

	return constraints;
}

export function readCertificateProfile(certificateDer: Buffer): CertificateProfile {
	const [tbs, signatureAlgorithm] = children(readNode(certificateDer));
	const fields = children(tbs!);
	// The version is an optional [0] in front; everything after it has a fixed place.
	const at = fields[0]!.tag === 0xa0 ? 1 : 0;
	const [, , issuer, , subject, spki] = fields.slice(at);
	const profile: CertificateProfile = {
		subjectDer: subject!.raw,
		issuerDer: issuer!.raw,
		publicKeyBits: children(spki!)[1]!.content.subarray(1),
		signatureOid: decodeOid(children(signatureAlgorithm!)[0]!.content),
		subjectKeyId: undefined,
		authorityKeyId: undefined,
		basicConstraints: undefined,
		keyUsage: undefined,
		extendedKeyUsage: undefined,
		nameConstraints: undefined,
		dnsNames: [],
		ipAddresses: [],
	};
	const extensions = fields.find(field => field.tag === 0xa3);
	for (const extension of extensions ? children(children(extensions)[0]!) : []) {
		const parts = children(extension);
		const id = decodeOid(parts[0]!.content);
		const value = readNode(parts.at(-1)!.content);
		if (id === oids.subjectKeyId) profile.subjectKeyId = value.content;
		if (id === oids.authorityKeyId) profile.authorityKeyId = children(value).find(n => n.tag === 0x80)?.content;
		if (id === oids.keyUsage) profile.keyUsage = decodeKeyUsage(value.content);
		if (id === oids.extendedKeyUsage) profile.extendedKeyUsage = children(value).map(n => decodeOid(n.content));
		if (id === oids.nameConstraints) profile.nameConstraints = decodeNameConstraints(value);
		if (id === oids.basicConstraints) {
			// BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }
			const items = children(value);
			const ca = items[0]?.tag === derTag.boolean && items[0].content[0] !== 0;
			const length = items.find(n => n.tag === derTag.integer);
			profile.basicConstraints = {ca, pathLength: length ? length.content.reduce((sum, byte) => sum * 256 + byte, 0) : undefined};
		}

		if (id === oids.subjectAltName) {
			for (const name of children(value)) {
				if (name.tag === 0x82) profile.dnsNames.push(name.content.toString('latin1'));
				if (name.tag === 0x87) profile.ipAddresses.push(Buffer.from(name.content));
			}
		}
	}

	return profile;
}
