import type {KeyObject} from 'node:crypto';

/** PKCS#8 PEM; encrypted with AES-256 (PBES2, PBKDF2-HMAC-SHA256) when a passphrase is given. */
export function privateKeyToPkcs8Pem(key: KeyObject, passphrase?: string): string {
	if (passphrase === undefined) return key.export({type: 'pkcs8', format: 'pem'}).toString();
	return key.export({type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase}).toString();
}
