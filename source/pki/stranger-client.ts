import {createPrivateKey, type KeyObject} from 'node:crypto';
import {generateKey} from './generate-key.js';
import {issueCa} from './issue-ca.js';
import {signLeaf, type IssuedLeaf} from './issue-leaf.js';
import {signerFor} from './signature-algorithm.js';

/** The client key as a KeyObject that can sign, or undefined when it cannot be read or has no signing algorithm here. */
function signingKey(pem: string, passphrase: string | undefined): KeyObject | undefined {
	try {
		const key = createPrivateKey({key: pem, format: 'pem', ...(passphrase === undefined ? {} : {passphrase})});
		return signerFor(key) ? key : undefined;
	} catch {
		return undefined;
	}
}

/**
 * A client certificate from a CA the server does not trust, for proving that the server refuses it. It is built on
 * the real client's own key pair: a throwaway CA self-signed with that key, and a client certificate for the same key
 * signed by it. That is still a sound negative case: a server judges a client certificate by its chain (the issuer's
 * name, then the issuer's signature) up to a CA it trusts, and no trusted CA is called `caName`, so the chain ends at
 * an unknown issuer whatever key the client holds. It even shows a little more: holding the real client key is not
 * enough without the real CA's signature. Reusing the key spares key generations on every run; a key that cannot be
 * reused (unreadable, which fails the positive case anyway) is replaced by one fresh key.
 */
export async function issueStrangerClient(caName: string, clientKeyPem: string, passphrase?: string): Promise<IssuedLeaf> {
	const key = signingKey(clientKeyPem, passphrase) ?? (await generateKey('rsa', 2048));
	const ca = await issueCa({commonName: caName, days: 1, keySize: 2048}, key);
	return signLeaf(ca, {role: 'client', commonName: 'stranger', dnsNames: [], ipAddresses: [], days: 1, keySize: 2048}, key);
}
