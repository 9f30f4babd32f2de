import {createPrivateKey, X509Certificate, type KeyObject} from 'node:crypto';
import forge from 'node-forge';
import {badInput} from '../errors.js';
import type {CertificateAuthority} from './certificate-authority.js';
import {readCertificateProfile} from './certificate-profile.js';
import {isoDay} from './days.js';
import {privateKeyToPkcs8Pem} from './key-pem.js';
import {isEncryptedKeyPem, pemBlocks, privateKeyLabels} from './pem-blocks.js';
import {readInputFile} from './read-input-file.js';

/**
 * How the user gives each input where the CA is loaded, so a message names what they typed and a fix they can
 * carry out there (certs takes flags and a variable; run and the wizard take answers).
 */
export type CaSources = {
	cert: string;
	key: string;
	/** Where the passphrase of an encrypted key is set; undefined when the caller has no way to take one. */
	passphrase: string | undefined;
	/** How to have a new CA issued instead of this one. */
	replace: string;
};

const certsFlags: CaSources = {
	cert: '--ca-cert',
	key: '--ca-key',
	passphrase: 'the environment variable MTLS_WIZARD_CA_KEY_PASSPHRASE',
	replace: 'let certs create a new one (omit --ca-cert and --ca-key)',
};

export type LoadCaInput = {
	certPath: string;
	keyPath: string;
	passphrase?: string;
	/** Default: the certs command's flags. */
	sources?: CaSources;
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

function parseKey(text: string, path: string, sources: CaSources, passphrase: string | undefined): KeyObject {
	const field = sources.key;
	const [pem] = pemBlocks(text, privateKeyLabels);
	if (!pem) {
		throw badInput(field, path, 'holds no PEM private key', 'Give the CA key as PEM (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY", optionally encrypted)');
	}

	const encrypted = isEncryptedKeyPem(pem);
	if (encrypted && passphrase === undefined) {
		const fix = sources.passphrase === undefined ? 'Give the key unencrypted: no passphrase can be passed for it here' : `Set the passphrase in ${sources.passphrase}`;
		throw badInput(field, path, 'is encrypted and no passphrase was given', fix);
	}

	try {
		return createPrivateKey({key: pem, format: 'pem', ...(passphrase === undefined ? {} : {passphrase})});
	} catch {
		if (encrypted) throw badInput(field, path, 'could not be decrypted with the given passphrase', `Check ${sources.passphrase ?? 'the key'}`);
		throw badInput(field, path, 'is not a valid private key', 'Give the CA key as PEM (PKCS#1 or PKCS#8)');
	}
}

/**
 * Loads the user's own CA and refuses, with the reason, one that cannot sign leaves a TLS stack will accept:
 * not a CA, keyCertSign missing, outside its validity, not RSA (node-forge builds RSA X.509 only), or a key
 * that is not the certificate's.
 */
export async function loadCa(input: LoadCaInput): Promise<CertificateAuthority> {
	const sources = input.sources ?? certsFlags;
	const [certText, keyText] = await Promise.all([readInputFile(input.certPath, sources.cert), readInputFile(input.keyPath, sources.key)]);
	const {x509, pem} = parseCertificate(certText, input.certPath, sources.cert);
	const privateKey = parseKey(keyText, input.keyPath, sources, input.passphrase);

	const notAfter = new Date(x509.validTo);
	const notBefore = new Date(x509.validFrom);
	const now = new Date();
	if (notAfter <= now) throw badInput(sources.cert, input.certPath, `expired on ${isoDay(notAfter)}`, `Renew the CA or ${sources.replace}`);
	if (notBefore > now) throw badInput(sources.cert, input.certPath, `is not valid before ${isoDay(notBefore)}`, 'Check the system clock or the CA');

	let certificate: forge.pki.Certificate;
	try {
		certificate = forge.pki.certificateFromPem(pem);
	} catch {
		throw badInput(sources.cert, input.certPath, 'is not an RSA CA', 'Use an RSA CA (this tool signs with RSA only)');
	}

	// Read basicConstraints itself: Node's X509Certificate.ca is also false for a CA that lacks keyCertSign.
	const basicConstraints = certificate.getExtension('basicConstraints') as {cA?: boolean} | undefined;
	if (!basicConstraints?.cA) {
		throw badInput(sources.cert, input.certPath, 'is not a CA certificate (basicConstraints CA:true is missing)', 'Give the certificate of the CA that should sign, not a server or client certificate');
	}

	const keyUsage = certificate.getExtension('keyUsage') as {keyCertSign?: boolean} | undefined;
	// A CA without a keyUsage extension may sign anything (RFC 5280 4.2.1.3); one that lists usages must list keyCertSign.
	if (keyUsage && !keyUsage.keyCertSign) {
		throw badInput(sources.cert, input.certPath, 'has a keyUsage without keyCertSign, so TLS stacks refuse what it signs', 'Use a CA certificate whose keyUsage includes keyCertSign');
	}

	if (!x509.checkPrivateKey(privateKey)) {
		throw badInput(sources.key, input.keyPath, `does not match the CA certificate ${input.certPath}`, 'Give the private key that belongs to this CA certificate');
	}

	return {
		certificatePem: pem,
		privateKeyPem: privateKeyToPkcs8Pem(privateKey),
		certificate,
		privateKey,
		imported: true,
		notAfter,
		profile: readCertificateProfile(x509.raw),
	};
}
