import test from 'ava';
import {createPrivateKey} from 'node:crypto';
import {rename} from 'node:fs/promises';
import {join} from 'node:path';
import {privateKeyToPkcs8Pem} from '../../source/pki/key-pem.js';
import {issueLeafFor, issuePki, writeAll} from '../pki/support/fixtures.js';
import {tempDir} from '../support/temp-dir.js';
import {runCli} from '../support/run-cli.js';

test('verify DIR on a set made by certs passes the real handshake and every refusal, exit 0', async t => {
	const out = join(await tempDir(t), 'pki');
	t.is((await runCli(['certs', '--out', out, '--server-dns', 'svc.example.test', '--server-ip', '127.0.0.1'])).exitCode, 0);
	const result = await runCli(['verify', out]);
	t.is(result.exitCode, 0, result.stdout + result.stderr);
	t.regex(result.stdout, /server name "svc\.example\.test"/);
	t.regex(result.stdout, /PASS +client certificate from the CA: accepted/);
	t.regex(result.stdout, /PASS +no client certificate: refused: the server refused the client: the client sent no certificate/);
	t.regex(result.stdout, /PASS +client certificate from another CA: refused: .*not signed by the trusted CA/);
	t.regex(result.stdout, /PASS +wrong server name .*: refused: .*does not cover the name/);
	t.regex(result.stdout, /Result: OK/);
	const byIp = await runCli(['verify', out, '--name', '127.0.0.1', '--json']);
	t.is(byIp.exitCode, 0);
	const report = JSON.parse(byIp.stdout) as {ok: boolean; results: Array<{serverName: string; cases: Array<{passed: boolean}>}>};
	t.true(report.ok);
	t.is(report.results[0]!.serverName, '127.0.0.1');
	t.is(report.results[0]!.cases.length, 4);
});

test('verify with several client-<cn> pairs checks each one', async t => {
	const out = join(await tempDir(t), 'pki');
	t.is((await runCli(['certs', '--out', out, '--server-dns', 'localhost', '--client-cn', 'a', '--client-cn', 'b'])).exitCode, 0);
	const result = await runCli(['verify', out]);
	t.is(result.exitCode, 0, result.stdout);
	t.regex(result.stdout, /client .*client-a\.crt/);
	t.regex(result.stdout, /client .*client-b\.crt/);
});

test('verify exits 1 and says why when the client certificate has only serverAuth', async t => {
	const dir = await tempDir(t);
	const pki = await issuePki();
	const serverOnly = await issueLeafFor(pki.ca, {role: 'server', commonName: 'wrong-eku', dnsNames: ['wrong-eku.example']});
	const paths = await writeAll(dir, {
		'ca.crt': pki.ca.certificatePem,
		'server.crt': pki.server.certificatePem,
		'server.key': pki.server.privateKeyPem,
		'client.crt': serverOnly.certificatePem,
		'client.key': serverOnly.privateKeyPem,
	});
	const result = await runCli([
		'verify', '--ca', paths['ca.crt']!, '--server-cert', paths['server.crt']!, '--server-key', paths['server.key']!,
		'--client-cert', paths['client.crt']!, '--client-key', paths['client.key']!, '--name', 'localhost',
	]);
	t.is(result.exitCode, 1);
	t.regex(result.stdout, /^FAIL  .*client\.crt has extendedKeyUsage without clientAuth/m);
	t.regex(result.stdout, /FAIL +client certificate from the CA: refused \(expected accepted\): .*lacks clientAuth or its keyUsage lacks digitalSignature \(INVALID_PURPOSE\)/);
	t.regex(result.stdout, /Result: FAILED/);
});

test('verify exits 1 when --name is not in the server certificate', async t => {
	const out = join(await tempDir(t), 'pki');
	t.is((await runCli(['certs', '--out', out, '--server-dns', 'localhost'])).exitCode, 0);
	const result = await runCli(['verify', out, '--name', 'elsewhere.example']);
	t.is(result.exitCode, 1);
	t.regex(result.stdout, /FAIL +client certificate from the CA: refused .*does not cover the name "elsewhere\.example"/);
});

test('verify refuses bad usage with exit 2: missing flags, a key that does not match, a missing directory', async t => {
	const dir = await tempDir(t);
	const pki = await issuePki();
	const paths = await writeAll(dir, {
		'ca.crt': pki.ca.certificatePem,
		'server.crt': pki.server.certificatePem,
		'server.key': pki.client.privateKeyPem,
		'client.crt': pki.client.certificatePem,
		'client.key': pki.client.privateKeyPem,
	});
	const missing = await runCli(['verify', '--ca', paths['ca.crt']!]);
	t.is(missing.exitCode, 2);
	t.regex(missing.stderr, /--server-cert, --server-key, --client-cert, --client-key: missing/);
	const mismatch = await runCli(['verify', dir]);
	t.is(mismatch.exitCode, 2);
	t.regex(mismatch.stderr, /server\.key" does not match .*server\.crt/);
	await rename(paths['client.crt']!, join(dir, 'moved.crt'));
	const noClient = await runCli(['verify', dir]);
	t.is(noClient.exitCode, 2);
	t.regex(noClient.stderr, /holds no client\.crt or client-<cn>\.crt/);
	const absent = await runCli(['verify', join(dir, 'absent')]);
	t.is(absent.exitCode, 2);
	t.regex(absent.stderr, /^mtls-wizard: DIR: ".*absent" cannot be read/);
});

test('verify names the key and the way out when a key is encrypted: the client passphrase variable, or an unencrypted server key', async t => {
	const dir = await tempDir(t);
	const pki = await issuePki({clientPassphrase: 'client pass'});
	const files = {
		'ca.crt': pki.ca.certificatePem,
		'server.crt': pki.server.certificatePem,
		'server.key': pki.server.privateKeyPem,
		'client.crt': pki.client.certificatePem,
		'client.key': pki.client.privateKeyPem,
	};
	await writeAll(dir, files);
	const noPassphrase = await runCli(['verify', dir]);
	t.is(noPassphrase.exitCode, 2);
	t.regex(noPassphrase.stderr, /^mtls-wizard: DIR: ".*client\.key" is encrypted and MTLS_WIZARD_CLIENT_KEY_PASSPHRASE is not set\. Set MTLS_WIZARD_CLIENT_KEY_PASSPHRASE to the client key's passphrase$/m);
	const wrongPassphrase = await runCli(['verify', dir], {env: {MTLS_WIZARD_CLIENT_KEY_PASSPHRASE: 'not it'}});
	t.is(wrongPassphrase.exitCode, 2);
	t.regex(wrongPassphrase.stderr, /client\.key" could not be decrypted with MTLS_WIZARD_CLIENT_KEY_PASSPHRASE\. Check MTLS_WIZARD_CLIENT_KEY_PASSPHRASE/);
	t.false(wrongPassphrase.stderr.includes('not it'), 'the passphrase is never shown');
	const passes = await runCli(['verify', dir], {env: {MTLS_WIZARD_CLIENT_KEY_PASSPHRASE: 'client pass'}});
	t.is(passes.exitCode, 0, passes.stdout + passes.stderr);

	await writeAll(dir, {'server.key': privateKeyToPkcs8Pem(createPrivateKey(pki.server.privateKeyPem), 'server pass')});
	const encryptedServer = await runCli(['verify', dir], {env: {MTLS_WIZARD_CLIENT_KEY_PASSPHRASE: 'client pass'}});
	t.is(encryptedServer.exitCode, 2);
	t.regex(encryptedServer.stderr, /^mtls-wizard: DIR: ".*server\.key" is encrypted\. Give the server key unencrypted, as certs writes it$/m);
});
