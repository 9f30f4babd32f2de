import {chmod, mkdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {runCommand} from '../private-docker.js';

/** Certificates for exercising the stand-ins, made by the openssl CLI (independent of the wizard's own PKI code). */
export type TestPki = {
	dir: string;
	ca: {cert: string; key: string};
	otherCa: {cert: string; key: string};
	/** SAN DNS:localhost, DNS:portainer.test, DNS:harness.test, DNS:steadybit-extension-http, IP:127.0.0.1; EKU serverAuth; unencrypted PKCS#8 RSA key. */
	server: {cert: string; key: string};
	/** EKU clientAuth, unencrypted PKCS#8 RSA key. */
	client: {cert: string; key: string};
	/** Same key as client, PKCS#8 encrypted with `encryptedKeyPassword`. */
	clientEncryptedKey: string;
	encryptedKeyPassword: string;
	/** Same key as client, PKCS#1 (`BEGIN RSA PRIVATE KEY`). */
	clientPkcs1Key: string;
	/** A PKCS#8 EC key (no certificate). */
	ecKey: string;
	/** Client certificate issued by otherCa. */
	otherClient: {cert: string; key: string};
	/** Issued by ca but with EKU serverAuth only. */
	serverAuthOnlyClient: {cert: string; key: string};
	/** Issued by ca for DNS:wrong.example only (no IP SAN). */
	wrongNameServer: {cert: string; key: string};
};

async function openssl(args: string[], env?: NodeJS.ProcessEnv): Promise<void> {
	const result = await runCommand('openssl', args, {env: {...process.env, ...env}});
	if (result.exitCode !== 0) {
		throw new Error(`openssl ${args.slice(0, 2).join(' ')} failed: ${result.stderr.trim()} (is the openssl CLI installed?)`);
	}
}

export async function makeTestPki(dir: string): Promise<TestPki> {
	await mkdir(dir, {recursive: true, mode: 0o700});
	const path = (name: string) => join(dir, name);
	const makeCa = async (name: string) => {
		await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path(`${name}.key`), '-out', path(`${name}.crt`), '-days', '2', '-subj', `/CN=${name} test CA`,
			'-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
		return {cert: path(`${name}.crt`), key: path(`${name}.key`)};
	};

	const ca = await makeCa('ca');
	const otherCa = await makeCa('other-ca');
	const makeLeaf = async (name: string, issuer: {cert: string; key: string}, eku: string, san: string) => {
		await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', path(`${name}.key`), '-out', path(`${name}.csr`), '-subj', `/CN=${name}`]);
		await writeFile(path(`${name}.ext`), `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=${eku}\nsubjectAltName=${san}\n`);
		await openssl(['x509', '-req', '-in', path(`${name}.csr`), '-CA', issuer.cert, '-CAkey', issuer.key, '-CAcreateserial', '-out', path(`${name}.crt`), '-days', '2', '-extfile', path(`${name}.ext`)]);
		return {cert: path(`${name}.crt`), key: path(`${name}.key`)};
	};

	const server = await makeLeaf('server', ca, 'serverAuth', 'DNS:localhost,DNS:portainer.test,DNS:harness.test,DNS:steadybit-extension-http,IP:127.0.0.1');
	const client = await makeLeaf('client', ca, 'clientAuth', 'DNS:client.test');
	const otherClient = await makeLeaf('other-client', otherCa, 'clientAuth', 'DNS:client.test');
	const serverAuthOnlyClient = await makeLeaf('server-auth-only-client', ca, 'serverAuth', 'DNS:client.test');
	const wrongNameServer = await makeLeaf('wrong-name-server', ca, 'serverAuth', 'DNS:wrong.example');
	const encryptedKeyPassword = 'stand-in-pass';
	const clientEncryptedKey = path('client-encrypted.key');
	await openssl(['pkcs8', '-topk8', '-in', client.key, '-out', clientEncryptedKey, '-passout', 'env:STAND_IN_KEY_PASSWORD'], {STAND_IN_KEY_PASSWORD: encryptedKeyPassword});
	const clientPkcs1Key = path('client-pkcs1.key');
	await openssl(['rsa', '-in', client.key, '-out', clientPkcs1Key, '-traditional']);
	const ecKey = path('ec.key');
	await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', ecKey]);
	for (const key of [ca.key, otherCa.key, server.key, client.key, otherClient.key, serverAuthOnlyClient.key, wrongNameServer.key, clientEncryptedKey, clientPkcs1Key, ecKey]) {
		await chmod(key, 0o600);
	}

	return {dir, ca, otherCa, server, client, clientEncryptedKey, encryptedKeyPassword, clientPkcs1Key, ecKey, otherClient, serverAuthOnlyClient, wrongNameServer};
}
