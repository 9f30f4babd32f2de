import {X509Certificate, type KeyObject} from 'node:crypto';
import {readCertificateProfile, type CertificateProfile} from './certificate-profile.js';
import {oneLineName} from './certificate-path.js';
import {privateKeyToPkcs8Pem} from './key-pem.js';
import type {Signer} from './signature-algorithm.js';

export type CertificateAuthority = {
	/** The issuing CA alone. */
	certificatePem: string;
	/** The trust file: the issuing CA, then its parents up to the root. */
	chainPem: string;
	/** What leaf files carry after the leaf: the CAs of the chain other than a self-signed root. */
	intermediatesPem: string;
	/** Unencrypted PKCS#8. Held in memory only; certs never writes it for an imported CA. */
	privateKeyPem: string;
	privateKey: KeyObject;
	signer: Signer;
	/** true when loaded from the user's files (loadCa), false when issued here (issueCa). */
	imported: boolean;
	/** The earliest notAfter on the chain: a leaf must end before every CA on its path. */
	notAfter: Date;
	/** The issuing CA: its subject (copied into leaves as their issuer), key identifier, name constraints. */
	profile: CertificateProfile;
	/** Every CA of the chain, the issuing CA first. */
	chain: Array<{certificate: X509Certificate; profile: CertificateProfile}>;
	/** The issuing CA's subject on one line, for messages. */
	subject: string;
};

function selfSigned(certificate: X509Certificate): boolean {
	return certificate.checkIssued(certificate) && certificate.verify(certificate.publicKey);
}

/** The CA as issuing code needs it, from its chain (issuing CA first) and the issuing CA's key. */
export function assembleCa(chainPems: string[], privateKey: KeyObject, signer: Signer, imported: boolean): CertificateAuthority {
	const chain = chainPems.map(pem => {
		const certificate = new X509Certificate(pem);
		return {certificate, profile: readCertificateProfile(certificate.raw)};
	});
	const issuing = chain[0]!;
	return {
		certificatePem: chainPems[0]!,
		chainPem: chainPems.join(''),
		intermediatesPem: chainPems.filter((_, index) => !selfSigned(chain[index]!.certificate)).join(''),
		privateKeyPem: privateKeyToPkcs8Pem(privateKey),
		privateKey,
		signer,
		imported,
		notAfter: new Date(Math.min(...chain.map(c => new Date(c.certificate.validTo).getTime()))),
		profile: issuing.profile,
		chain,
		subject: oneLineName(issuing.certificate.subject),
	};
}
