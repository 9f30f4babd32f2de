import {createPrivateKey, X509Certificate} from 'node:crypto';
import {readdir, readFile, stat} from 'node:fs/promises';
import {join} from 'node:path';
import type {ExecutionContext} from 'ava';
import {opensslVerify} from '../../pki/support/openssl.js';

export const certificateNames = ['ca.crt', 'ca.key', 'client.crt', 'client.key', 'server.crt', 'server.key'];

/**
 * Asserts that dir holds exactly the whole generic set and nothing else (no staging directory, no temporary
 * file): each leaf chains to the CA for its purpose (openssl), each key matches its certificate and is 0600.
 */
export async function assertWholeSet(t: ExecutionContext, dir: string, label: string): Promise<void> {
	t.deepEqual((await readdir(dir)).sort(), certificateNames, `${label}: ${dir} holds exactly the set`);
	for (const [name, purpose] of [['server', 'sslserver'], ['client', 'sslclient']] as const) {
		const verified = await opensslVerify(join(dir, 'ca.crt'), join(dir, `${name}.crt`), ['-purpose', purpose]);
		t.true(verified.ok, `${label}: ${name}.crt: ${verified.output}`);
	}

	for (const name of ['ca', 'server', 'client']) {
		const certificate = new X509Certificate(await readFile(join(dir, `${name}.crt`)));
		t.true(certificate.checkPrivateKey(createPrivateKey(await readFile(join(dir, `${name}.key`)))), `${label}: ${name}.key matches ${name}.crt`);
		t.is((await stat(join(dir, `${name}.key`))).mode & 0o777, 0o600, `${label}: ${name}.key is 0600`);
	}
}
