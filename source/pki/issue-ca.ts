import {X509Certificate, type KeyObject} from 'node:crypto';
import forge from 'node-forge';
import type {CertificateAuthority} from './certificate-authority.js';
import {readCertificateProfile} from './certificate-profile.js';
import {generateRsaKey, type KeySize} from './generate-key.js';
import {privateKeyToPkcs8Pem} from './key-pem.js';
import {signCertificate} from './sign-certificate.js';

export type CaSpec = {commonName: string; days: number; keySize: KeySize};

/** A self-signed CA: basicConstraints CA:true (critical), keyUsage keyCertSign + cRLSign (critical), SKI. */
export async function issueCa(spec: CaSpec, key?: KeyObject): Promise<CertificateAuthority> {
	const privateKey = key ?? (await generateRsaKey(spec.keySize));
	const certificate = await signCertificate({
		subject: [{name: 'commonName', value: forge.util.encodeUtf8(spec.commonName), valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class}],
		publicKey: privateKey,
		signingKey: privateKey,
		days: spec.days,
		extensions: [
			{name: 'basicConstraints', cA: true, critical: true},
			{name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true},
			{name: 'subjectKeyIdentifier'},
		],
	});
	const certificatePem = forge.pki.certificateToPem(certificate);
	return {
		certificatePem,
		privateKeyPem: privateKeyToPkcs8Pem(privateKey),
		certificate,
		privateKey,
		imported: false,
		notAfter: certificate.validity.notAfter,
		profile: readCertificateProfile(new X509Certificate(certificatePem).raw),
	};
}
