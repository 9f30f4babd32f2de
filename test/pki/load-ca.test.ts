import test from 'ava';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {UsageError} from '../../source/errors.js';
import {issueLeaf} from '../../source/pki/issue-leaf.js';
import {loadCa} from '../../source/pki/load-ca.js';
import {expiredCa, issuePki, writeAll} from './support/fixtures.js';
import {tempDir} from '../support/temp-dir.js';
import {openssl, opensslVerify} from './support/openssl.js';

/** A CA made by the openssl CLI, the way a user's own CA usually is. */
async function opensslCa(dir: string, extensions: string[], keyArgs: string[] = []): Promise<{cert: string; key: string}> {
	const cert = join(dir, 'ca.crt');
	const key = join(dir, 'ca.key');
	const made = await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-subj', '/O=Acme/CN=Acme Root', '-days', '30', ...extensions]);
	if (made.code !== 0) throw new Error(made.stderr);
	if (keyArgs.length > 0) {
		const convertedKey = join(dir, 'ca-converted.key');
		const converted = await openssl(['pkey', '-in', key, '-out', convertedKey, ...keyArgs], {CA_PASS: 'ca pass'});
		if (converted.code !== 0) throw new Error(converted.stderr);
		return {cert, key: convertedKey};
	}

	return {cert, key};
}

const caExtensions = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'];

test('loads an openssl CA with a PKCS#1 key and issues leaves openssl accepts', async t => {
	const dir = await tempDir(t);
	const files = await opensslCa(dir, caExtensions, ['-traditional']);
	t.regex(await readFile(files.key, 'utf8'), /^-----BEGIN RSA PRIVATE KEY-----/);
	const ca = await loadCa({certPath: files.cert, keyPath: files.key});
	t.true(ca.imported);
	t.true(ca.privateKeyPem.startsWith('-----BEGIN PRIVATE KEY-----'));
	const server = await issueLeaf(ca, {role: 'server', commonName: 'svc', dnsNames: ['svc.example'], ipAddresses: [], days: 5, keySize: 2048});
	const paths = await writeAll(dir, {'server.crt': server.certificatePem});
	const verdict = await opensslVerify(files.cert, paths['server.crt']!, ['-purpose', 'sslserver', '-verify_hostname', 'svc.example']);
	t.true(verdict.ok, verdict.output);
	t.regex((await openssl(['x509', '-in', paths['server.crt']!, '-noout', '-issuer'])).stdout, /O ?= ?Acme, CN ?= ?Acme Root/);
});

test('loads an encrypted PKCS#8 CA key with the passphrase, and says what is wrong without it or with a wrong one', async t => {
	const dir = await tempDir(t);
	const files = await opensslCa(dir, caExtensions, ['-aes-256-cbc', '-passout', 'env:CA_PASS']);
	t.regex(await readFile(files.key, 'utf8'), /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
	const ca = await loadCa({certPath: files.cert, keyPath: files.key, passphrase: 'ca pass'});
	t.true(ca.imported);
	const missing = await t.throwsAsync(loadCa({certPath: files.cert, keyPath: files.key}), {instanceOf: UsageError});
	t.regex(missing.message, /^--ca-key: ".*ca-converted\.key" is encrypted and no passphrase was given\. Set .*MTLS_WIZARD_CA_KEY_PASSPHRASE/);
	const wrong = await t.throwsAsync(loadCa({certPath: files.cert, keyPath: files.key, passphrase: 'nope'}), {instanceOf: UsageError});
	t.regex(wrong.message, /could not be decrypted/);
	t.notRegex(wrong.message, /nope/, 'the passphrase is never echoed');
});

test('refuses a certificate that is not a CA', async t => {
	const dir = await tempDir(t);
	const pki = await issuePki();
	const paths = await writeAll(dir, {'leaf.crt': pki.server.certificatePem, 'leaf.key': pki.server.privateKeyPem});
	const error = await t.throwsAsync(loadCa({certPath: paths['leaf.crt']!, keyPath: paths['leaf.key']!}), {instanceOf: UsageError});
	t.regex(error.message, /^--ca-cert: ".*leaf\.crt" is not a CA certificate \(basicConstraints CA:true is missing\)/);
});

test('refuses a CA whose keyUsage lacks keyCertSign', async t => {
	const dir = await tempDir(t);
	const files = await opensslCa(dir, ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,digitalSignature']);
	const error = await t.throwsAsync(loadCa({certPath: files.cert, keyPath: files.key}), {instanceOf: UsageError});
	t.regex(error.message, /^--ca-cert: .* has a keyUsage without keyCertSign/);
});

test('refuses an expired CA', async t => {
	const dir = await tempDir(t);
	const expired = expiredCa();
	const paths = await writeAll(dir, {'ca.crt': expired.certificatePem, 'ca.key': expired.privateKeyPem});
	const error = await t.throwsAsync(loadCa({certPath: paths['ca.crt']!, keyPath: paths['ca.key']!}), {instanceOf: UsageError});
	t.regex(error.message, /^--ca-cert: ".*ca\.crt" expired on \d{4}-\d\d-\d\d/);
});

test('refuses a key that does not belong to the CA certificate', async t => {
	const dir = await tempDir(t);
	const pki = await issuePki();
	const other = await issuePki();
	const paths = await writeAll(dir, {'ca.crt': pki.ca.certificatePem, 'other.key': other.ca.privateKeyPem});
	const error = await t.throwsAsync(loadCa({certPath: paths['ca.crt']!, keyPath: paths['other.key']!}), {instanceOf: UsageError});
	t.regex(error.message, /^--ca-key: ".*other\.key" does not match the CA certificate/);
});

test('refuses unreadable and non-PEM files, naming the flag and the path', async t => {
	const dir = await tempDir(t);
	const pki = await issuePki();
	const paths = await writeAll(dir, {'ca.crt': pki.ca.certificatePem, 'ca.key': pki.ca.privateKeyPem, 'junk.txt': 'hello\n'});
	const missing = await t.throwsAsync(loadCa({certPath: join(dir, 'nope.crt'), keyPath: paths['ca.key']!}), {instanceOf: UsageError});
	t.regex(missing.message, /^--ca-cert: ".*nope\.crt" does not exist/);
	const junkCert = await t.throwsAsync(loadCa({certPath: paths['junk.txt']!, keyPath: paths['ca.key']!}), {instanceOf: UsageError});
	t.regex(junkCert.message, /^--ca-cert: ".*junk\.txt" holds no PEM certificate/);
	const junkKey = await t.throwsAsync(loadCa({certPath: paths['ca.crt']!, keyPath: paths['junk.txt']!}), {instanceOf: UsageError});
	t.regex(junkKey.message, /^--ca-key: ".*junk\.txt" holds no PEM private key/);
});
