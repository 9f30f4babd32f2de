import type {KeyObject} from 'node:crypto';
import type forge from 'node-forge';
import type {CertificateProfile} from './certificate-profile.js';

export type CertificateAuthority = {
	certificatePem: string;
	/** Unencrypted PKCS#8. Held in memory only; certs never writes it for an imported CA. */
	privateKeyPem: string;
	certificate: forge.pki.Certificate;
	privateKey: KeyObject;
	/** true when loaded from the user's files (loadCa), false when issued here (issueCa). */
	imported: boolean;
	notAfter: Date;
	/** What the CA may sign: name constraints, path length, key usage, its key identifier. */
	profile: CertificateProfile;
};
