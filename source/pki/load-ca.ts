import {createPrivateKey, X509Certificate, type KeyObject} from 'node:crypto';
import {badInput} from '../errors.js';
import {assembleCa, type CertificateAuthority} from './certificate-authority.js';
import {oneLineName} from './certificate-path.js';
import {readCertificateProfile} from './certificate-profile.js';
import {isoDay} from './days.js';
import {isEncryptedKeyPem, pemBlocks, privateKeyLabels} from './pem-blocks.js';
import {readInputFile} from './read-input-file.js';
import {signerFor} from './signature-algorithm.js';

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

/** The issuing CA first, then its parents: every CERTIFICATE block of the file, in order. */
function parseChain(text: string, path: string, field: string): Array<{x509: X509Certificate; pem: string}> {
	const blocks = pemBlocks(text, ['CERTIFICATE']);
	if (blocks.length === 0) throw badInput(field, path, 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)', 'Give the CA certificate in PEM form');
	return blocks.map((pem, index) => {
		try {
			return {x509: new X509Certificate(pem), pem};
		} catch {
			throw badInput(field, path, `holds a PEM block (certificate ${index + 1}) that is not a valid X.509 certificate`, 'Give the CA certificate in PEM form');
		}
	});
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

// Signatures that Go, Java and OpenSSL at its default security level refuse on a certificate path.
const weakSignatures: Record<string, string> = {
	'1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
	'1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
	'1.2.840.10045.4.1': 'ecdsa-with-SHA1',
	'1.2.840.10040.4.3': 'dsa-with-SHA1',
};

/** Refuses, naming the CA's field and the fix, a CA of the chain that clients would not accept on a path. */
function checkChainCa(ca: {x509: X509Certificate}, index: number, count: number, path: string, field: string, sources: Pick<CaSources, 'replace'>): void {
	const refuse = (problem: string, fix: string) =>
		badInput(field, path, count > 1 ? `holds certificate ${index + 1} of the chain ("${oneLineName(ca.x509.subject)}"), which ${problem}` : problem, fix);
	const profile = readCertificateProfile(ca.x509.raw);
	const notAfter = new Date(ca.x509.validTo);
	const notBefore = new Date(ca.x509.validFrom);
	if (notAfter <= new Date()) throw refuse(`expired on ${isoDay(notAfter)}`, `Renew the CA or ${sources.replace}`);
	if (notBefore > new Date()) throw refuse(`is not valid before ${isoDay(notBefore)}`, 'Check the system clock or the CA');
	if (!profile.basicConstraints?.ca) {
		throw refuse('is not a CA certificate (basicConstraints CA:true is missing)', 'Give the certificate of the CA that should sign, not a server or client certificate');
	}

	// A CA without a keyUsage extension may sign anything (RFC 5280 4.2.1.3); one that lists usages must list keyCertSign.
	if (profile.keyUsage && !profile.keyUsage.includes('keyCertSign')) {
		throw refuse('has a keyUsage without keyCertSign, so TLS stacks refuse what it signs', 'Use a CA certificate whose keyUsage includes keyCertSign');
	}

	// pathLenConstraint counts the CAs that may stand below this one before the leaf.
	const length = profile.basicConstraints.pathLength;
	if (length !== undefined && length < index) {
		throw refuse(`has basicConstraints pathlen:${length}, fewer CAs below it than the ${index} in this chain`, 'Ask your PKI for an issuing CA that its parents may have below them');
	}

	const root = index === count - 1 && ca.x509.checkIssued(ca.x509);
	const weak = root ? undefined : weakSignatures[profile.signatureOid];
	if (weak) throw refuse(`is signed with ${weak}, which Go, Java and OpenSSL refuse`, 'Ask your PKI for a CA signed with SHA-256 or better');
	const bits = ca.x509.publicKey.asymmetricKeyDetails?.modulusLength;
	if (bits !== undefined && bits < 2048) throw refuse(`has an RSA key of ${bits} bits, fewer than the 2048 peers require`, 'Use a CA with an RSA key of 2048 bits or more, or an EC key');
}

/** The chain must run from the issuing CA up: each certificate signed by the next one. */
function checkChainOrder(chain: Array<{x509: X509Certificate}>, path: string, field: string): void {
	for (let index = 0; index + 1 < chain.length; index++) {
		const child = chain[index]!.x509;
		const parent = chain[index + 1]!.x509;
		if (!child.checkIssued(parent) || !child.verify(parent.publicKey)) {
			throw badInput(
				field,
				path,
				`holds certificate ${index + 2} ("${oneLineName(parent.subject)}"), which did not sign certificate ${index + 1} ("${oneLineName(child.subject)}")`,
				'Put the issuing CA first, then each parent after the CA it signed, up to the root',
			);
		}
	}

	const last = chain.at(-1)!.x509;
	if (!(last.checkIssued(last) && last.verify(last.publicKey))) {
		throw badInput(
			field,
			path,
			`ends at "${oneLineName(last.subject)}", which is not a self-signed root (its issuer is "${oneLineName(last.issuer)}")`,
			'Append the parent CA certificates up to the root: peers need the whole path to trust the leaves',
		);
	}
}

/**
 * A CA chain file (the issuing CA first, then its parents up to the root) with every check loadCa makes of it, for
 * a chain that comes without its key (certificates signed by a PKI outside the wizard).
 */
export async function readCaChain(certPath: string, sources: Pick<CaSources, 'cert' | 'replace'>): Promise<Array<{x509: X509Certificate; pem: string}>> {
	const chain = parseChain(await readInputFile(certPath, sources.cert), certPath, sources.cert);
	for (const [index, ca] of chain.entries()) checkChainCa(ca, index, chain.length, certPath, sources.cert, sources);
	checkChainOrder(chain, certPath, sources.cert);
	return chain;
}

/**
 * Loads the user's own CA with its chain (the issuing CA first, then its parents up to the root) and refuses, with
 * the CA's field and the fix, one whose leaves a TLS stack would refuse: a CA on the chain that is not a CA, lacks
 * keyCertSign, is outside its validity, has a path length its chain breaks or a weak signature; a chain out of order;
 * a key no signature algorithm here serves; or a key that is not the issuing CA's.
 */
export async function loadCa(input: LoadCaInput): Promise<CertificateAuthority> {
	const sources = input.sources ?? certsFlags;
	const [chain, keyText] = await Promise.all([readCaChain(input.certPath, sources), readInputFile(input.keyPath, sources.key)]);
	const privateKey = parseKey(keyText, input.keyPath, sources, input.passphrase);

	if (!chain[0]!.x509.checkPrivateKey(privateKey)) {
		throw badInput(sources.key, input.keyPath, `does not match the CA certificate ${input.certPath}`, 'Give the private key that belongs to this CA certificate (the first one in the file)');
	}

	const signer = signerFor(privateKey);
	if (!signer) {
		const curve = privateKey.asymmetricKeyDetails?.namedCurve;
		throw badInput(sources.key, input.keyPath, `is a ${privateKey.asymmetricKeyType}${curve ? ` ${curve}` : ''} key, which no TLS peer accepts signatures from`, 'Use an RSA, RSA-PSS, ECDSA P-256/P-384/P-521 or Ed25519 CA');
	}

	return assembleCa(chain.map(c => c.pem), privateKey, signer, true);
}
