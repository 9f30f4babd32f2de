import test from 'ava';
import {issueCa} from '../../source/pki/issue-ca.js';
import {issuePki, writeAll} from '../pki/support/fixtures.js';
import {tempDir} from '../support/temp-dir.js';
import {openssl} from '../pki/support/openssl.js';
import {runCli} from '../support/run-cli.js';

test('inspect prints subject, issuer, SANs, usages, validity, key, fingerprint and the chain verdict', async t => {
	const dir = await tempDir(t);
	const pki = await issuePki();
	const paths = await writeAll(dir, {'ca.crt': pki.ca.certificatePem, 'server.crt': pki.server.certificatePem});
	const result = await runCli(['inspect', paths['server.crt']!, '--ca', paths['ca.crt']!]);
	t.is(result.exitCode, 0, result.stderr);
	const fingerprint = (await openssl(['x509', '-in', paths['server.crt']!, '-noout', '-fingerprint', '-sha256'])).stdout.trim().split('=')[1]!;
	for (const expected of [
		/subject: +CN=localhost/,
		/issuer: +CN=Test CA\n/,
		/SANs: +DNS:localhost, DNS:server\.example\.test, DNS:\*\.apps\.example\.test, IP Address:127\.0\.0\.1/,
		/key usage: +digitalSignature, keyEncipherment/,
		/ext\. usage: +serverAuth/,
		/\((9|10) days left\)/,
		/key: +RSA 2048 bits/,
		/signature: +sha256WithRSAEncryption/,
		/chains to CA: yes/,
	]) {
		t.regex(result.stdout, expected);
	}

	t.true(result.stdout.includes(fingerprint));
});

test('inspect --json gives one report per certificate; a certificate from another CA exits 1 with the reason', async t => {
	const dir = await tempDir(t);
	const pki = await issuePki();
	const other = await issueCa({commonName: 'Other CA', days: 5, keySize: 2048});
	const paths = await writeAll(dir, {'other-ca.crt': other.certificatePem, 'client.crt': pki.client.certificatePem, 'ca.crt': pki.ca.certificatePem});
	const result = await runCli(['inspect', paths['client.crt']!, paths['ca.crt']!, '--ca', paths['other-ca.crt']!, '--json']);
	t.is(result.exitCode, 1, result.stderr);
	const reports = JSON.parse(result.stdout) as Array<{file: string; certificates: Array<{subject: string; extendedKeyUsage?: string[]; chainsToCa: boolean; chainReason: string; isCa: boolean}>}>;
	t.is(reports.length, 2);
	t.is(reports[0]!.certificates[0]!.subject, 'CN=client-1');
	t.deepEqual(reports[0]!.certificates[0]!.extendedKeyUsage, ['clientAuth']);
	t.false(reports[0]!.certificates[0]!.chainsToCa);
	t.regex(reports[0]!.certificates[0]!.chainReason, /issued by "CN=Test CA", not by the given CA "CN=Other CA"/);
	t.true(reports[1]!.certificates[0]!.isCa);
});

test('inspect refuses a non-PEM file and a key file with exit 2, naming the file', async t => {
	const dir = await tempDir(t);
	const pki = await issuePki();
	const paths = await writeAll(dir, {'junk.bin': 'not pem at all', 'server.key': pki.server.privateKeyPem});
	const junk = await runCli(['inspect', paths['junk.bin']!]);
	t.is(junk.exitCode, 2);
	t.regex(junk.stderr, /^mtls-wizard: FILE: ".*junk\.bin" holds no PEM certificate/);
	const key = await runCli(['inspect', paths['server.key']!]);
	t.is(key.exitCode, 2);
	t.regex(key.stderr, /holds a private key, not a certificate/);
	t.false(key.stderr.includes(pki.server.privateKeyPem.split('\n')[1]!), 'the key is not echoed');
	const missing = await runCli(['inspect', `${dir}/absent.crt`]);
	t.is(missing.exitCode, 2);
	t.regex(missing.stderr, /absent\.crt" does not exist/);
});
