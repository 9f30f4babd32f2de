import {mkdir} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {expiredCa, issuePki, writeAll} from '../pki/support/fixtures.js';
import {tempDir} from '../support/temp-dir.js';
import {runCli} from '../support/run-cli.js';

test('check-expiry exits 0 when every certificate in a bundle directory outlives the window, one line each', async t => {
	const dir = await tempDir(t);
	const pki = await issuePki();
	await mkdir(join(dir, 'certs'));
	await writeAll(join(dir, 'certs'), {'server.crt': pki.server.certificatePem, 'server.key': pki.server.privateKeyPem, 'chain.pem': pki.server.certificatePem + pki.ca.certificatePem});
	const result = await runCli(['check-expiry', dir, '--within', '5d']);
	t.is(result.exitCode, 0, result.stderr);
	const lines = result.stdout.trim().split('\n');
	t.is(lines.length, 3, result.stdout);
	t.regex(result.stdout, /chain\.pem #2 +CN=Test CA +notAfter 20\d\d-.* (29|30) days left +ok/);
	t.regex(result.stdout, /server\.crt +CN=localhost +notAfter .* (9|10) days left +ok/);
	t.false(result.stdout.includes('PRIVATE KEY'));
});

test('check-expiry exits 1 naming the certificate that expires within the window (default 30d)', async t => {
	const dir = await tempDir(t);
	const pki = await issuePki();
	const paths = await writeAll(dir, {'server.crt': pki.server.certificatePem});
	const result = await runCli(['check-expiry', paths['server.crt']!]);
	t.is(result.exitCode, 1, result.stderr);
	t.regex(result.stdout, /server\.crt +CN=localhost .* RENEW/);
	const hours = await runCli(['check-expiry', paths['server.crt']!, '--within', '48h']);
	t.is(hours.exitCode, 0, hours.stdout);
});

test('check-expiry exits 1 for an expired certificate and reports it in JSON', async t => {
	const dir = await tempDir(t);
	const pki = await issuePki();
	const paths = await writeAll(dir, {'old.crt': expiredCa().certificatePem, 'server.crt': pki.server.certificatePem});
	const result = await runCli(['check-expiry', paths['old.crt']!, paths['server.crt']!, '--within', '1d', '--json']);
	t.is(result.exitCode, 1, result.stderr);
	const report = JSON.parse(result.stdout) as {within: string; certificates: Array<{file: string; commonName: string; verdict: string; daysLeft: number}>};
	t.is(report.within, '1d');
	t.deepEqual(
		report.certificates.map(c => [c.commonName, c.verdict]),
		[
			['Expired CA', 'expired'],
			['localhost', 'ok'],
		],
	);
	t.true(report.certificates[0]!.daysLeft < 0);
});

test('check-expiry exits 2 naming the argument for a missing file, a file without certificates and a bad duration', async t => {
	const dir = await tempDir(t);
	const pki = await issuePki();
	const paths = await writeAll(dir, {'server.key': pki.server.privateKeyPem, 'server.crt': pki.server.certificatePem});
	const missing = await runCli(['check-expiry', join(dir, 'nope.crt')]);
	t.is(missing.exitCode, 2);
	t.regex(missing.stderr, /FILE: ".*nope\.crt" does not exist/);
	const keyOnly = await runCli(['check-expiry', paths['server.key']!]);
	t.is(keyOnly.exitCode, 2);
	t.regex(keyOnly.stderr, /server\.key" holds no PEM certificate/);
	t.false(keyOnly.stderr.includes('PRIVATE KEY-----'));
	const duration = await runCli(['check-expiry', paths['server.crt']!, '--within', '30 days']);
	t.is(duration.exitCode, 2);
	t.regex(duration.stderr, /--within: "30 days" is not a duration\. Give a number and a unit/);
	t.is(duration.stdout, '');
});
