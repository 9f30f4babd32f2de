import type {KeyObject} from 'node:crypto';
import {buildCertificate, buildCertificationRequest, commonNameDer, extensions, keyIdentifier, publicKeyInfo, type Usage} from './build-certificate.js';
import type {CertificateAuthority} from './certificate-authority.js';
import type {LeafSpec as PlannedLeaf} from '../plan/types.js';
import {daysFromNow} from './days.js';
import {generateKey} from './generate-key.js';
import {privateKeyToPkcs8Pem} from './key-pem.js';
import {signerFor} from './signature-algorithm.js';

export type {LeafRole} from '../plan/types.js';

/** The plan's leaf without the file id and the passphrase reference, which the caller resolves. */
export type LeafSpec = Omit<PlannedLeaf, 'id' | 'keyPassphrase'>;

export type IssuedLeaf = {
	/** The leaf, then the intermediates of its CA's chain: what a TLS peer sends. */
	certificatePem: string;
	/** The leaf alone. */
	leafPem: string;
	/** PKCS#8; encrypted (AES-256) iff a passphrase was given. */
	privateKeyPem: string;
};

/**
 * basicConstraints, keyUsage and EKU depend only on the key's algorithm and the leaf's role, so a fleet encodes each
 * combination once. Nothing writes into the encoded extensions.
 */
const roleExtensions = new Map<string, Buffer[]>();

function fixedExtensions(spec: LeafSpec, key: KeyObject): Buffer[] {
	const rsa = key.asymmetricKeyType === 'rsa';
	const id = `${rsa ? 'rsa' : 'other'} ${spec.role}`;
	const known = roleExtensions.get(id);
	if (known) return known;
	// keyEncipherment is for RSA key transport only; an EC key that claims it is refused by strict peers (RFC 8813).
	const usages: Usage[] = rsa ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'];
	const purposes = [...(spec.role === 'client' ? [] : ['serverAuth' as const]), ...(spec.role === 'server' ? [] : ['clientAuth' as const])];
	const encoded = [extensions.basicConstraints(false), extensions.keyUsage(usages), extensions.extendedKeyUsage(purposes)];
	roleExtensions.set(id, encoded);
	return encoded;
}

/** What the leaf's own key needs: keyUsage, EKU by role, SANs and its key identifier (from spki, the key's publicKeyInfo). */
function ownExtensions(spec: LeafSpec, key: KeyObject, spki: Buffer): Buffer[] {
	return [
		...fixedExtensions(spec, key),
		...(spec.dnsNames.length + spec.ipAddresses.length > 0 ? [extensions.subjectAltName(spec.dnsNames, spec.ipAddresses)] : []),
		extensions.subjectKeyIdentifier(keyIdentifier(spki)),
	];
}

/** Each CA's authorityKeyIdentifier, encoded once for all the leaves it signs. */
const authorityKeyIds = new WeakMap<CertificateAuthority, Buffer>();

function authorityKeyIdentifier(ca: CertificateAuthority): Buffer {
	let encoded = authorityKeyIds.get(ca);
	if (!encoded) {
		// The CA's own SKI, so chain builders match AKI to SKI even for a CA made by another tool.
		encoded = extensions.authorityKeyIdentifier(ca.profile.subjectKeyId ?? keyIdentifier(publicKeyInfo(ca.privateKey)));
		authorityKeyIds.set(ca, encoded);
	}

	return encoded;
}

function leafExtensions(ca: CertificateAuthority, spec: LeafSpec, key: KeyObject, spki: Buffer): Buffer[] {
	return [...ownExtensions(spec, key, spki), authorityKeyIdentifier(ca)];
}

/** Signs a leaf for a key made elsewhere, so callers can generate all keys of a PKI in parallel. */
export async function signLeaf(ca: CertificateAuthority, spec: LeafSpec, key: KeyObject, keyPassphrase?: string): Promise<IssuedLeaf> {
	const wanted = daysFromNow(spec.days);
	const spki = publicKeyInfo(key);
	const {pem} = await buildCertificate({
		subject: commonNameDer(spec.commonName),
		issuer: ca.profile.subjectDer,
		publicKeyInfo: spki,
		signer: ca.signer,
		// Never past the CA, not even by the moments between issuing the two.
		notAfter: wanted > ca.notAfter ? ca.notAfter : wanted,
		extensions: leafExtensions(ca, spec, key, spki),
	});
	return {certificatePem: pem + ca.intermediatesPem, leafPem: pem, privateKeyPem: privateKeyToPkcs8Pem(key, keyPassphrase)};
}

/** A server (serverAuth), client (clientAuth) or dual-use leaf signed by the CA with its own algorithm. */
export async function issueLeaf(ca: CertificateAuthority, spec: LeafSpec, keyPassphrase?: string): Promise<IssuedLeaf> {
	return signLeaf(ca, spec, await generateKey(spec.keyType ?? 'rsa', spec.keySize), keyPassphrase);
}

/** The key usages a leaf of this role and key asks for, in words a PKI team reads. */
function requestedUsage(spec: LeafSpec, key: KeyObject): string {
	const usages = key.asymmetricKeyType === 'rsa' ? 'digitalSignature, keyEncipherment' : 'digitalSignature';
	const purposes = [...(spec.role === 'client' ? [] : ['serverAuth']), ...(spec.role === 'server' ? [] : ['clientAuth'])].join(', ');
	return `EKU ${purposes}, keyUsage ${usages}, CA:FALSE`;
}

const profiles: Record<LeafSpec['role'], string> = {server: 'a TLS server certificate', client: 'a TLS client certificate', 'server-client': 'a TLS server and client certificate'};

/** One line saying what to ask a PKI for: the profile, the names, the usages and the validity the request carries. */
export function requestLine(spec: LeafSpec, key: KeyObject): string {
	const names = [...spec.dnsNames.map(n => `DNS:${n}`), ...spec.ipAddresses.map(ip => `IP:${ip}`)];
	return `${profiles[spec.role]} for CN=${spec.commonName}${names.length > 0 ? `, SANs ${names.join(', ')}` : ''}, ${requestedUsage(spec, key)}, valid ${spec.days} days`;
}

/**
 * A CSR for the leaf, for a PKI outside the wizard to sign: the same names and usages the wizard would issue. The
 * key comes back as PKCS#8, encrypted (AES-256) iff a passphrase is given.
 */
export async function requestLeaf(spec: LeafSpec, key: KeyObject, keyPassphrase?: string): Promise<{csrPem: string; privateKeyPem: string}> {
	const signer = signerFor(key);
	if (!signer) throw new Error(`a ${key.asymmetricKeyType} key cannot sign a request`);
	const csrPem = await buildCertificationRequest({subject: commonNameDer(spec.commonName), key, signer, extensions: ownExtensions(spec, key, publicKeyInfo(key))});
	return {csrPem, privateKeyPem: privateKeyToPkcs8Pem(key, keyPassphrase)};
}
