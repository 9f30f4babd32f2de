import {createPublicKey, randomBytes, sign, type KeyObject} from 'node:crypto';
import {promisify} from 'node:util';
import forge from 'node-forge';
import {daysFromNow} from './days.js';

const signAsync = promisify(sign);

// Exported by node-forge (lib/x509.js) but missing from @types/node-forge.
const {getTBSCertificate} = forge.pki as unknown as {getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1};

export type CertificateSpec = {
	subject: forge.pki.CertificateField[];
	/** The issuer's certificate; undefined for a self-signed CA. */
	issuer?: forge.pki.Certificate;
	publicKey: KeyObject;
	signingKey: KeyObject;
	days: number;
	/** The issuer's notAfter: a leaf never ends after its CA, not even by the moments between issuing the two. */
	notAfterLimit?: Date;
	extensions: object[];
};

/** 16 random bytes, top bit clear (positive) and second bit set (no leading zero byte): always 16 bytes in DER. */
function randomSerial(): string {
	const bytes = randomBytes(16);
	bytes[0] = (bytes[0]! & 0x7f) | 0x40;
	return bytes.toString('hex');
}

function forgePublicKey(key: KeyObject): forge.pki.rsa.PublicKey {
	const pem = createPublicKey(key).export({type: 'spki', format: 'pem'}).toString();
	return forge.pki.publicKeyFromPem(pem) as forge.pki.rsa.PublicKey;
}

/**
 * Builds the certificate with node-forge and signs it with SHA-256 through native crypto on the threadpool.
 * forge's own cert.sign() does pure-JS RSA on the main thread (about 26 ms for a 2048-bit key, several
 * times that for 4096), which would stall a spinner; the steps below are exactly what cert.sign() does.
 */
export async function signCertificate(spec: CertificateSpec): Promise<forge.pki.Certificate> {
	const cert = forge.pki.createCertificate();
	cert.publicKey = forgePublicKey(spec.publicKey);
	cert.serialNumber = randomSerial();
	// Five minutes in the past, so a peer whose clock is a little behind does not see "not yet valid".
	cert.validity.notBefore = new Date(Date.now() - 5 * 60_000);
	const notAfter = daysFromNow(spec.days);
	cert.validity.notAfter = spec.notAfterLimit && spec.notAfterLimit < notAfter ? spec.notAfterLimit : notAfter;
	cert.setSubject(spec.subject);
	cert.setIssuer(spec.issuer ? spec.issuer.subject.attributes : spec.subject);
	cert.setExtensions(spec.extensions);

	cert.md = forge.md.sha256.create();
	cert.signatureOid = cert.siginfo.algorithmOid = forge.pki.oids['sha256WithRSAEncryption']!;
	cert.tbsCertificate = getTBSCertificate(cert);
	const tbs = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), 'binary');
	const signature = await signAsync('sha256', tbs, spec.signingKey);
	cert.signature = signature.toString('binary');
	return cert;
}
