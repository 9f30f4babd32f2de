import test from 'ava';
import {join} from 'node:path';
import {openssl, opensslVerify} from './support/openssl.js';
import {issuePki, writeAll} from './support/fixtures.js';
import {tempDir} from '../support/temp-dir.js';

test('openssl accepts the server certificate for sslserver, every DNS name, the wildcard and every IP', async t => {
	const dir = await tempDir(t);
	const pki = await issuePki();
	const files = await writeAll(dir, {'ca.crt': pki.ca.certificatePem, 'server.crt': pki.server.certificatePem});
	for (const check of [
		['-verify_hostname', 'localhost'],
		['-verify_hostname', 'server.example.test'],
		['-verify_hostname', 'api.apps.example.test'],
		['-verify_ip', '127.0.0.1'],
		['-verify_ip', '::1'],
	]) {
		const result = await opensslVerify(files['ca.crt']!, files['server.crt']!, ['-purpose', 'sslserver', ...check]);
		t.true(result.ok, `${check.join(' ')}: ${result.output}`);
	}

	const wrongName = await opensslVerify(files['ca.crt']!, files['server.crt']!, ['-purpose', 'sslserver', '-verify_hostname', 'other.example.test']);
	t.false(wrongName.ok);
	t.regex(wrongName.output, /hostname mismatch/);
	const wrongIp = await opensslVerify(files['ca.crt']!, files['server.crt']!, ['-purpose', 'sslserver', '-verify_ip', '10.9.9.9']);
	t.false(wrongIp.ok);
});

test('openssl accepts the client certificate for sslclient and refuses the crossed purposes', async t => {
	const dir = await tempDir(t);
	const pki = await issuePki();
	const files = await writeAll(dir, {'ca.crt': pki.ca.certificatePem, 'server.crt': pki.server.certificatePem, 'client.crt': pki.client.certificatePem});
	const client = await opensslVerify(files['ca.crt']!, files['client.crt']!, ['-purpose', 'sslclient']);
	t.true(client.ok, client.output);
	const clientAsServer = await opensslVerify(files['ca.crt']!, files['client.crt']!, ['-purpose', 'sslserver']);
	t.false(clientAsServer.ok);
	t.regex(clientAsServer.output, /unsuitable certificate purpose/);
	const serverAsClient = await opensslVerify(files['ca.crt']!, files['server.crt']!, ['-purpose', 'sslclient']);
	t.false(serverAsClient.ok);
	t.regex(serverAsClient.output, /unsuitable certificate purpose/);
});

test('extensions, signature and serial follow the certificate rules (read back by openssl x509 -text)', async t => {
	const dir = await tempDir(t);
	const pki = await issuePki();
	const files = await writeAll(dir, {'ca.crt': pki.ca.certificatePem, 'server.crt': pki.server.certificatePem, 'client.crt': pki.client.certificatePem});
	const text = async (name: string) => (await openssl(['x509', '-noout', '-text', '-in', files[name]!])).stdout;
	const ca = await text('ca.crt');
	t.regex(ca, /Basic Constraints: critical\s+CA:TRUE/);
	t.regex(ca, /Key Usage: critical\s+Certificate Sign, CRL Sign/);
	t.regex(ca, /Subject Key Identifier/);
	const server = await text('server.crt');
	t.regex(server, /Signature Algorithm: sha256WithRSAEncryption/);
	t.regex(server, /Basic Constraints: critical\s+CA:FALSE/);
	t.regex(server, /Extended Key Usage:\s+TLS Web Server Authentication\n/);
	t.regex(server, /DNS:localhost, DNS:server\.example\.test, DNS:\*\.apps\.example\.test, IP Address:127\.0\.0\.1, IP Address:0:0:0:0:0:0:0:1/);
	t.regex(server, /Subject: CN ?= ?localhost/);
	t.regex(server, /Authority Key Identifier/);
	t.notRegex(server, /CRL Distribution/);
	const client = await text('client.crt');
	t.regex(client, /Extended Key Usage:\s+TLS Web Client Authentication\n/);
	t.regex(client, /Public-Key: \(2048 bit\)/);

	const serials = new Set<string>();
	for (const name of ['ca.crt', 'server.crt', 'client.crt']) {
		const serial = (await openssl(['x509', '-noout', '-serial', '-in', files[name]!])).stdout.trim().replace('serial=', '');
		t.is(serial.length, 32, `16-byte serial: ${serial}`);
		t.true(Number.parseInt(serial[0]!, 16) < 8, 'positive serial');
		serials.add(serial);
	}

	t.is(serials.size, 3);
});

test('keys are PKCS#8; with a passphrase the key is encrypted with AES-256 and openssl opens it with that passphrase only', async t => {
	const dir = await tempDir(t);
	const pki = await issuePki({clientPassphrase: 'correct horse'});
	t.true(pki.ca.privateKeyPem.startsWith('-----BEGIN PRIVATE KEY-----\n'));
	t.true(pki.server.privateKeyPem.startsWith('-----BEGIN PRIVATE KEY-----\n'));
	t.true(pki.client.privateKeyPem.startsWith('-----BEGIN ENCRYPTED PRIVATE KEY-----\n'));
	const files = await writeAll(dir, {'client.key': pki.client.privateKeyPem, 'client.crt': pki.client.certificatePem});
	const info = await openssl(['asn1parse', '-in', files['client.key']!]);
	t.regex(info.stdout, /aes-256-cbc/);
	const opened = await openssl(['pkey', '-in', files['client.key']!, '-passin', 'env:KEY_PASS', '-pubout'], {KEY_PASS: 'correct horse'});
	t.is(opened.code, 0, opened.stderr);
	const certKey = await openssl(['x509', '-in', files['client.crt']!, '-noout', '-pubkey']);
	t.is(opened.stdout, certKey.stdout);
	const wrong = await openssl(['pkey', '-in', files['client.key']!, '-passin', 'env:KEY_PASS', '-noout'], {KEY_PASS: 'wrong'});
	t.not(wrong.code, 0);
});

for (const keySize of [3072, 4096] as const) {
	test(`RSA ${keySize} keys verify with openssl`, async t => {
		const dir = await tempDir(t);
		const pki = await issuePki({keySize});
		const files = await writeAll(dir, {'ca.crt': pki.ca.certificatePem, 'server.crt': pki.server.certificatePem, 'server.key': pki.server.privateKeyPem});
		t.true((await opensslVerify(files['ca.crt']!, files['server.crt']!, ['-purpose', 'sslserver'])).ok);
		const text = await openssl(['pkey', '-in', join(dir, 'server.key'), '-noout', '-text']);
		t.regex(text.stdout, new RegExp(`Private-Key: \\(${keySize} bit`));
	});
}
