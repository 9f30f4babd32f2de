import forge from 'node-forge';

/*
 * Node's X509Certificate exposes neither keyUsage bits nor the signature algorithm, and forge's
 * certificateFromPem refuses any key that is not RSA. Reading those two fields from the DER directly
 * lets inspect describe EC and Ed25519 certificates too.
 */

const keyUsageNames = [
	'digitalSignature',
	'nonRepudiation',
	'keyEncipherment',
	'dataEncipherment',
	'keyAgreement',
	'keyCertSign',
	'cRLSign',
	'encipherOnly',
	'decipherOnly',
];

const oidKeyUsage = '2.5.29.15';

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

export function readCertificateDetails(der: Buffer): {keyUsage: string[] | undefined; signatureAlgorithm: string} {
	const certificate = forge.asn1.fromDer(der.toString('binary'));
	const [tbs, signatureAlgorithm] = children(certificate);
	const signatureOid = forge.asn1.derToOid(children(signatureAlgorithm)[0]?.value as string);
	const extensionsWrapper = children(tbs).find(n => n.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && n.type === 3);
	let keyUsage: string[] | undefined;
	for (const extension of children(children(extensionsWrapper)[0])) {
		const parts = children(extension);
		if (forge.asn1.derToOid(parts[0]?.value as string) !== oidKeyUsage) continue;
		const octets = parts.at(-1)?.value as string;
		keyUsage = decodeBitString(forge.asn1.fromDer(octets).value as string);
	}

	return {keyUsage, signatureAlgorithm: forge.pki.oids[signatureOid] ?? signatureOid};
}
