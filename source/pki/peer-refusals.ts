import type {X509Certificate} from 'node:crypto';
import {buildCertificatePath, oneLineName} from './certificate-path.js';
import {readCertificateProfile} from './certificate-profile.js';
import {ipAddressText} from './ip-address.js';
import {nameConstraintViolation} from './name-constraints.js';

export type LeafUnderTest = {
	/** How the report names it, e.g. the file path. */
	label: string;
	role: 'server' | 'client';
	leaf: X509Certificate;
	/** The certificates after the leaf in its file (its intermediates). */
	intermediates: X509Certificate[];
};

const serverAuth = '1.3.6.1.5.5.7.3.1';
const clientAuth = '1.3.6.1.5.5.7.3.2';
const anyPurpose = '2.5.29.37.0';

function commonName(certificate: X509Certificate): string {
	return /^CN=(.*)$/m.exec(certificate.subject)?.[1] ?? '';
}

/**
 * Why Go, Java or OpenSSL peers would refuse this leaf, each with its real cause, before any handshake is tried
 * (a refused handshake often shows only "socket hang up" or a code that names the wrong field). Empty when none do.
 */
export function peerRefusals(subject: LeafUnderTest, trusted: X509Certificate[]): string[] {
	const {label, role, leaf} = subject;
	const problems: string[] = [];
	const profile = readCertificateProfile(leaf.raw);
	if (profile.basicConstraints?.ca) {
		problems.push(`${label} is a CA certificate (basicConstraints CA:TRUE); TLS peers refuse a CA certificate as the ${role}'s own. Issue a leaf with CA:FALSE`);
	}

	if (role === 'server' && profile.dnsNames.length === 0 && profile.ipAddresses.length === 0) {
		problems.push(
			`${label} has no subjectAltName, only a CN: Go clients refuse it ("x509: certificate relies on legacy Common Name field, use SANs instead"). Issue it again with its names as DNS or IP SANs`,
		);
	}

	if (profile.keyUsage && !profile.keyUsage.includes('digitalSignature')) {
		problems.push(
			`${label} has keyUsage ${profile.keyUsage.join(', ') || '(empty)'} without digitalSignature, which its key needs to sign a TLS handshake (OpenSSL and Java refuse it). Issue it with keyUsage digitalSignature`,
		);
	}

	const purpose = role === 'server' ? serverAuth : clientAuth;
	const eku = profile.extendedKeyUsage;
	if (eku && !eku.includes(purpose) && !eku.includes(anyPurpose)) {
		problems.push(`${label} has extendedKeyUsage without ${role === 'server' ? 'serverAuth' : 'clientAuth'}, so peers refuse it as a ${role} certificate. Issue it with that EKU`);
	}

	const path = buildCertificatePath(leaf, subject.intermediates, trusted);
	if (!path.ok) problems.push(`${label} does not chain to the trusted CA file: ${path.reason}`);
	const names = {
		commonName: commonName(leaf),
		dnsNames: profile.dnsNames,
		ipAddresses: profile.ipAddresses.map(ipAddressText),
	};
	for (const [index, ca] of path.path.slice(1).entries()) {
		const caProfile = readCertificateProfile(ca.raw);
		const caName = `its CA "${oneLineName(ca.subject)}"`;
		if (!caProfile.basicConstraints?.ca) problems.push(`${label}: ${caName} is not a CA certificate (basicConstraints CA:TRUE is missing)`);
		if (caProfile.keyUsage && !caProfile.keyUsage.includes('keyCertSign')) problems.push(`${label}: ${caName} has a keyUsage without keyCertSign, so it may not sign certificates`);
		const length = caProfile.basicConstraints?.pathLength;
		if (length !== undefined && index > length) {
			problems.push(`${label}: ${caName} has pathLenConstraint ${length}, but ${index} intermediate CA${index === 1 ? '' : 's'} stand${index === 1 ? 's' : ''} below it`);
		}

		const violation = caProfile.nameConstraints && nameConstraintViolation(caProfile.nameConstraints, names);
		if (violation) problems.push(`${label} breaks a name constraint of ${caName}: ${violation}`);
	}

	return problems;
}
