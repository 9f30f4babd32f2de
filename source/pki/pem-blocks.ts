const pemBlock = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g;

/** Every PEM label a private key arrives under: PKCS#8 (plain or encrypted), PKCS#1 and SEC1. */
export const privateKeyLabels = ['PRIVATE KEY', 'RSA PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'EC PRIVATE KEY'];

/** The PEM blocks of one label (e.g. CERTIFICATE) in a file, in order. */
export function pemBlocks(text: string, labels: string[]): string[] {
	return [...text.matchAll(pemBlock)].filter(m => labels.includes(m[1]!)).map(m => `${m[0]}\n`);
}

/** Encrypted PKCS#8, or legacy OpenSSL encryption of PKCS#1 (Proc-Type header). */
export function isEncryptedKeyPem(pem: string): boolean {
	return pem.startsWith('-----BEGIN ENCRYPTED') || /Proc-Type: 4,ENCRYPTED/.test(pem);
}
