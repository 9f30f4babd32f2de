import type {KeyObject, X509Certificate} from 'node:crypto';
import {isoDay} from './days.js';
import {ipAddressBytes} from './ip-address.js';
import type {LeafSpec} from './issue-leaf.js';
import {peerRefusals} from './peer-refusals.js';
import {readCertificateProfile} from './certificate-profile.js';

export type SignedLeaf = {
	/** How messages name it: the file's path. */
	label: string;
	/** What the request asked for. */
	spec: LeafSpec;
	/** The request's key: the certificate must carry its public half. */
	key: KeyObject;
	/** The leaf, then what the file carries after it (its intermediates). */
	certificates: X509Certificate[];
	/** The CA chain the peers will trust, the issuing CA first, up to the root. */
	chain: X509Certificate[];
};

function commonName(certificate: X509Certificate): string | undefined {
	return /^CN=(.*)$/m.exec(certificate.subject)?.[1];
}

/**
 * Why a certificate a PKI signed for one of our requests cannot be used as that leaf, or undefined when it can: it
 * must hold the request's key and names, the usages its role needs, be valid now and within its CA's validity, and
 * chain to the given CA as Go, Java and OpenSSL peers build the path.
 */
export function signedLeafProblem({label, spec, key, certificates, chain}: SignedLeaf): string | undefined {
	const [leaf, ...intermediates] = certificates;
	if (!leaf) return `${label} holds no certificate`;
	// First: a certificate for another request (or another key) explains every other mismatch at once.
	if (!leaf.checkPrivateKey(key)) return `${label} does not hold the public key of its request: it was signed for another key or request`;
	const name = commonName(leaf);
	if (name !== spec.commonName) return `${label} has ${name === undefined ? 'no CN' : `CN=${name}`}, and its request asked for CN=${spec.commonName}`;
	const profile = readCertificateProfile(leaf.raw);
	const missing = [
		...spec.dnsNames.filter(dns => !profile.dnsNames.some(have => have.toLowerCase() === dns.toLowerCase())).map(dns => `DNS:${dns}`),
		...spec.ipAddresses.filter(ip => !profile.ipAddresses.some(have => have.equals(ipAddressBytes(ip)))).map(ip => `IP:${ip}`),
	];
	if (missing.length > 0) return `${label} lacks the subjectAltName${missing.length === 1 ? '' : 's'} ${missing.join(', ')} its request asked for`;
	const roles = spec.role === 'server-client' ? (['server', 'client'] as const) : [spec.role];
	for (const role of roles) {
		const [refusal] = peerRefusals({label, role, leaf, intermediates}, chain);
		if (refusal) return refusal;
	}

	const now = new Date();
	const notBefore = new Date(leaf.validFrom);
	const notAfter = new Date(leaf.validTo);
	if (notBefore > now) return `${label} is not valid before ${notBefore.toISOString()}`;
	if (notAfter <= now) return `${label} expired on ${isoDay(notAfter)}`;
	const caEnd = new Date(Math.min(...chain.map(ca => new Date(ca.validTo).getTime())));
	if (notAfter > caEnd) return `${label} is valid until ${isoDay(notAfter)}, after its CA chain ends on ${isoDay(caEnd)}, when peers refuse it`;
	return undefined;
}
