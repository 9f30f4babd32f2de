import type {KeyObject} from 'node:crypto';
import forge from 'node-forge';
import type {CertificateAuthority} from './certificate-authority.js';
import type {LeafSpec as PlannedLeaf} from '../plan/types.js';
import {generateRsaKey} from './generate-key.js';
import {privateKeyToPkcs8Pem} from './key-pem.js';
import {signCertificate} from './sign-certificate.js';

export type {LeafRole} from '../plan/types.js';

/** The plan's leaf without the file id and the passphrase reference, which the caller resolves. */
export type LeafSpec = Omit<PlannedLeaf, 'id' | 'keyPassphrase'>;

export type IssuedLeaf = {
	certificatePem: string;
	/** PKCS#8; encrypted (AES-256) iff a passphrase was given. */
	privateKeyPem: string;
	certificate: forge.pki.Certificate;
};

const sanType = {dns: 2, ip: 7} as const;

function authorityKeyId(ca: forge.pki.Certificate): string {
	const ski = ca.getExtension('subjectKeyIdentifier') as {subjectKeyIdentifier?: string} | undefined;
	// Reuse the CA's own SKI so chain builders can match AKI to SKI even when the CA came from another tool.
	if (ski?.subjectKeyIdentifier) return forge.util.hexToBytes(ski.subjectKeyIdentifier);
	return ca.generateSubjectKeyIdentifier().getBytes();
}

function leafExtensions(ca: CertificateAuthority, spec: LeafSpec): object[] {
	const extensions: object[] = [
		{name: 'basicConstraints', cA: false, critical: true},
		{name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true},
		{
			name: 'extKeyUsage',
			serverAuth: spec.role !== 'client',
			clientAuth: spec.role !== 'server',
		},
	];
	const altNames = [
		...spec.dnsNames.map(value => ({type: sanType.dns, value})),
		...spec.ipAddresses.map(ip => ({type: sanType.ip, ip})),
	];
	if (altNames.length > 0) extensions.push({name: 'subjectAltName', altNames});
	extensions.push({name: 'subjectKeyIdentifier'}, {name: 'authorityKeyIdentifier', keyIdentifier: authorityKeyId(ca.certificate)});
	return extensions;
}

/** Signs a leaf for a key made elsewhere, so callers can generate all keys of a PKI in parallel. */
export async function signLeaf(ca: CertificateAuthority, spec: LeafSpec, key: KeyObject, keyPassphrase?: string): Promise<IssuedLeaf> {
	const certificate = await signCertificate({
		subject: [{name: 'commonName', value: forge.util.encodeUtf8(spec.commonName), valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class}],
		issuer: ca.certificate,
		publicKey: key,
		signingKey: ca.privateKey,
		days: spec.days,
		notAfterLimit: ca.notAfter,
		extensions: leafExtensions(ca, spec),
	});
	return {
		certificatePem: forge.pki.certificateToPem(certificate),
		privateKeyPem: privateKeyToPkcs8Pem(key, keyPassphrase),
		certificate,
	};
}

/** A server (serverAuth), client (clientAuth) or dual-use leaf signed by the CA, with AKI/SKI and SHA-256. */
export async function issueLeaf(ca: CertificateAuthority, spec: LeafSpec, keyPassphrase?: string): Promise<IssuedLeaf> {
	return signLeaf(ca, spec, await generateRsaKey(spec.keySize), keyPassphrase);
}
