import {createPrivateKey, X509Certificate, type KeyObject} from 'node:crypto';
import forge from 'node-forge';
import {badInput} from '../errors.js';
import type {CertificateAuthority} from './certificate-authority.js';
import {isoDay} from './days.js';
import {privateKeyToPkcs8Pem} from './key-pem.js';
import {isEncryptedKeyPem, pemBlocks, privateKeyLabels} from './pem-blocks.js';
import {readInputFile} from './read-input-file.js';

export type LoadCaInput = {
	certPath: string;
	keyPath: string;
	passphrase?: string;
	/** Names used in error messages (default: the certs flags). */
	fields?: {cert: string; key: string};
};

function parseCertificate(text: string, path: string, field: string): {x509: X509Certificate; pem: string} {
	const [pem] = pemBlocks(text, ['CERTIFICATE']);
	if (!pem) throw badInput(field, path, 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)', 'Give the CA certificate in PEM form');
	try {
		return {x509: new X509Certificate(pem), pem};
	} catch {
		throw badInput(field, path, 'holds a PEM block that is not a valid X.509 certificate', 'Give the CA certificate in PEM form');
	}
}

function parseKey(text: string, path: string, field: string, passphrase: string | undefined): KeyObject {
	const [pem] = pemBlocks(text, privateKeyLabels);
	if (!pem) {
		throw badInput(field, path, 'holds no PEM private key', 'Give the CA key as PEM (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY", optionally encrypted)');
	}

	const encrypted = isEncryptedKeyPem(pem);
	if (encrypted && passphrase === undefined) {
		throw badInput(field, path, 'is encrypted and no passphrase was given', 'Set the passphrase in the environment variable MTLS_WIZARD_CA_KEY_PASSPHRASE');
	}

	try {
		return createPrivateKey({key: pem, format: 'pem', ...(passphrase === undefined ? {} : {passphrase})});
	} catch {
		if (encrypted) throw badInput(field, path, 'could not be decrypted with the given passphrase', 'Check MTLS_WIZARD_CA_KEY_PASSPHRASE');
		throw badInput(field, path, 'is not a valid private key', 'Give the CA key as PEM (PKCS#1 or PKCS#8)');
	}
}

/**
 * Loads the user's own CA and refuses, with the reason, one that cannot sign leaves a TLS stack will accept:
 * not a CA, keyCertSign missing, outside its validity, not RSA (node-forge builds RSA X.509 only), or a key
 * that is not the certificate's.
 */
export async function loadCa(input: LoadCaInput): Promise<CertificateAuthority> {
	const fields = input.fields ?? {cert: '--ca-cert', key: '--ca-key'};
	const [certText, keyText] = await Promise.all([readInputFile(input.certPath, fields.cert), readInputFile(input.keyPath, fields.key)]);
	const {x509, pem} = parseCertificate(certText, input.certPath, fields.cert);
	const privateKey = parseKey(keyText, input.keyPath, fields.key, input.passphrase);

	const notAfter = new Date(x509.validTo);
	const notBefore = new Date(x509.validFrom);
	const now = new Date();
	if (notAfter <= now) throw badInput(fields.cert, input.certPath, `expired on ${isoDay(notAfter)}`, 'Renew the CA or let certs create a new one (omit --ca-cert and --ca-key)');
	if (notBefore > now) throw badInput(fields.cert, input.certPath, `is not valid before ${isoDay(notBefore)}`, 'Check the system clock or the CA');

	let certificate: forge.pki.Certificate;
	try {
		certificate = forge.pki.certificateFromPem(pem);
	} catch {
		throw badInput(fields.cert, input.certPath, 'is not an RSA CA', 'Use an RSA CA (this tool signs with RSA only)');
	}

	// Read basicConstraints itself: Node's X509Certificate.ca is also false for a CA that lacks keyCertSign.
	const basicConstraints = certificate.getExtension('basicConstraints') as {cA?: boolean} | undefined;
	if (!basicConstraints?.cA) {
		throw badInput(fields.cert, input.certPath, 'is not a CA certificate (basicConstraints CA:true is missing)', 'Give the certificate of the CA that should sign, not a server or client certificate');
	}

	const keyUsage = certificate.getExtension('keyUsage') as {keyCertSign?: boolean} | undefined;
	// A CA without a keyUsage extension may sign anything (RFC 5280 4.2.1.3); one that lists usages must list keyCertSign.
	if (keyUsage && !keyUsage.keyCertSign) {
		throw badInput(fields.cert, input.certPath, 'has a keyUsage without keyCertSign, so TLS stacks refuse what it signs', 'Use a CA certificate whose keyUsage includes keyCertSign');
	}

	if (!x509.checkPrivateKey(privateKey)) {
		throw badInput(fields.key, input.keyPath, `does not match the CA certificate ${input.certPath}`, 'Give the private key that belongs to this CA certificate');
	}

	return {
		certificatePem: pem,
		privateKeyPem: privateKeyToPkcs8Pem(privateKey),
		certificate,
		privateKey,
		imported: true,
		notAfter,
	};
}
