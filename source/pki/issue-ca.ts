import type {KeyObject} from 'node:crypto';
import {buildCertificate, commonNameDer, extensions, keyIdentifier, publicKeyInfo} from './build-certificate.js';
import {assembleCa, type CertificateAuthority} from './certificate-authority.js';
import {daysFromNow} from './days.js';
import {generateKey, type KeySize, type KeyType} from './generate-key.js';
import {signerFor} from './signature-algorithm.js';

export type CaSpec = {commonName: string; days: number; keySize: KeySize; keyType?: KeyType};

/** A self-signed CA: basicConstraints CA:true (critical), keyUsage keyCertSign + cRLSign (critical), SKI. */
export async function issueCa(spec: CaSpec, key?: KeyObject): Promise<CertificateAuthority> {
	const privateKey = key ?? (await generateKey(spec.keyType ?? 'rsa', spec.keySize));
	const signer = signerFor(privateKey);
	if (!signer) throw new Error(`a ${privateKey.asymmetricKeyType} key cannot sign a CA`);
	const subject = commonNameDer(spec.commonName);
	const spki = publicKeyInfo(privateKey);
	const {pem} = await buildCertificate({
		subject,
		issuer: subject,
		publicKeyInfo: spki,
		signer,
		notAfter: daysFromNow(spec.days),
		extensions: [extensions.basicConstraints(true), extensions.keyUsage(['keyCertSign', 'cRLSign']), extensions.subjectKeyIdentifier(keyIdentifier(spki))],
	});
	return assembleCa([pem], privateKey, signer, false);
}
