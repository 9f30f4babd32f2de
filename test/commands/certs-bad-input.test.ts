import test from 'ava';
import {mkdtemp, readdir, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {expiredCa, issuePki, writeAll} from '../pki/support/fixtures.js';
import {openssl} from '../pki/support/openssl.js';
import {runCli} from '../support/run-cli.js';

let fixtures: Record<string, string>;
let root: string;

test.before(async () => {
	root = await mkdtemp(join(tmpdir(), 'mtls-wizard-certs-bad-'));
	const pki = await issuePki();
	const other = await issuePki();
	const expired = expiredCa();
	fixtures = await writeAll(root, {
		'ca.crt': pki.ca.certificatePem,
		'ca.key': pki.ca.privateKeyPem,
		'other-ca.key': other.ca.privateKeyPem,
		'leaf.crt': pki.server.certificatePem,
		'leaf.key': pki.server.privateKeyPem,
		'expired-ca.crt': expired.certificatePem,
		'expired-ca.key': expired.privateKeyPem,
		'not-pem.txt': 'this is not a certificate\n',
	});
});

test.after.always(async () => {
	await rm(root, {recursive: true, force: true});
});

type Case = {title: string; args: string[]; flag: string; value: string};

const cases: Case[] = [
	{title: 'an invalid DNS name', args: ['--server-dns', 'bad_name!'], flag: '--server-dns', value: '"bad_name!"'},
	{title: 'an empty DNS name', args: ['--server-dns', ''], flag: '--server-dns', value: '(empty)'},
	{title: 'a double wildcard', args: ['--server-dns', '*.*.x.com'], flag: '--server-dns', value: '"*.*.x.com"'},
	{title: 'an invalid IP', args: ['--server-dns', 'ok.example', '--server-ip', '300.1.1.1'], flag: '--server-ip', value: '"300.1.1.1"'},
	{title: '--days 0', args: ['--server-dns', 'ok.example', '--days', '0'], flag: '--days', value: '"0"'},
	{title: '--key-size 1000', args: ['--server-dns', 'ok.example', '--key-size', '1000'], flag: '--key-size', value: '"1000"'},
	{title: 'a client CN with a newline', args: ['--server-dns', 'ok.example', '--client-cn', 'evil\nCN=admin'], flag: '--client-cn', value: '"evil\\nCN=admin"'},
	{title: 'a client CN of 80 characters', args: ['--server-dns', 'ok.example', '--client-cn', 'c'.repeat(80)], flag: '--client-cn', value: 'is 80 characters long'},
	{title: 'an IP SAN with a zone id', args: ['--server-ip', 'fe80::1%eth0'], flag: '--server-ip', value: 'Use fe80::1'},
	{title: 'an IPv4-mapped IP SAN', args: ['--server-ip', '::ffff:1.2.3.4'], flag: '--server-ip', value: 'Use 1.2.3.4'},
	{title: 'an internationalised DNS name', args: ['--server-dns', 'bücher.example'], flag: '--server-dns', value: 'Use xn--bcher-kva.example'},
	{title: 'no server name at all', args: [], flag: '--server-dns', value: 'missing'},
	{title: '--ca-cert without --ca-key', args: ['--server-dns', 'ok.example', '--ca-cert', 'CA_CRT'], flag: '--ca-key', value: 'missing'},
	{title: 'a non-PEM CA certificate', args: ['--server-dns', 'ok.example', '--ca-cert', 'NOT_PEM', '--ca-key', 'CA_KEY'], flag: '--ca-cert', value: 'not-pem.txt"'},
	{title: 'a non-PEM CA key', args: ['--server-dns', 'ok.example', '--ca-cert', 'CA_CRT', '--ca-key', 'NOT_PEM'], flag: '--ca-key', value: 'not-pem.txt"'},
	{title: 'a CA key that does not match the CA certificate', args: ['--server-dns', 'ok.example', '--ca-cert', 'CA_CRT', '--ca-key', 'OTHER_KEY'], flag: '--ca-key', value: 'other-ca.key"'},
	{title: 'a CA certificate without CA:true', args: ['--server-dns', 'ok.example', '--ca-cert', 'LEAF_CRT', '--ca-key', 'LEAF_KEY'], flag: '--ca-cert', value: 'leaf.crt"'},
	{title: 'an expired CA', args: ['--server-dns', 'ok.example', '--ca-cert', 'EXPIRED_CRT', '--ca-key', 'EXPIRED_KEY'], flag: '--ca-cert', value: 'expired-ca.crt"'},
	{title: 'an unreadable CA path', args: ['--server-dns', 'ok.example', '--ca-cert', '/nonexistent/ca.crt', '--ca-key', 'CA_KEY'], flag: '--ca-cert', value: '"/nonexistent/ca.crt"'},
	{title: 'a CA directory instead of a file', args: ['--server-dns', 'ok.example', '--ca-cert', 'ROOT', '--ca-key', 'CA_KEY'], flag: '--ca-cert', value: 'is a directory'},
	{title: 'leaf days beyond the CA', args: ['--server-dns', 'ok.example', '--days', '4000'], flag: '--days', value: '"4000"'},
];

function resolveArgs(args: string[]): string[] {
	const names: Record<string, string> = {
		CA_CRT: fixtures['ca.crt']!,
		CA_KEY: fixtures['ca.key']!,
		OTHER_KEY: fixtures['other-ca.key']!,
		LEAF_CRT: fixtures['leaf.crt']!,
		LEAF_KEY: fixtures['leaf.key']!,
		EXPIRED_CRT: fixtures['expired-ca.crt']!,
		EXPIRED_KEY: fixtures['expired-ca.key']!,
		NOT_PEM: fixtures['not-pem.txt']!,
		ROOT: root,
	};
	return args.map(a => names[a] ?? a);
}

for (const c of cases) {
	test(`certs refuses ${c.title}: exit 2, names ${c.flag} and the value, writes nothing`, async t => {
		const parent = await mkdtemp(join(root, 'run-'));
		const out = join(parent, 'out');
		const result = await runCli(['certs', '--out', out, ...resolveArgs(c.args)]);
		t.is(result.exitCode, 2, result.stderr);
		const lines = result.stderr.trimEnd().split('\n');
		t.true(lines.length <= 2, result.stderr);
		t.true(lines[0]!.startsWith(`mtls-wizard: ${c.flag}: `), result.stderr);
		t.true(result.stderr.includes(c.value), result.stderr);
		t.notRegex(result.stderr, /\n\s+at /);
		t.is(result.stdout, '');
		t.deepEqual(await readdir(parent), [], 'nothing written, no temp directory left');
	});
}

test('certs refuses an encrypted CA key without the passphrase variable, and with a wrong one, never echoing it', async t => {
	const parent = await mkdtemp(join(root, 'run-'));
	const encrypted = join(parent, 'ca-enc.key');
	const converted = await openssl(['pkey', '-in', fixtures['ca.key']!, '-out', encrypted, '-aes-256-cbc', '-passout', 'pass:right-pass']);
	t.is(converted.code, 0, converted.stderr);
	const out = join(parent, 'out');
	const args = ['certs', '--out', out, '--server-dns', 'ok.example', '--ca-cert', fixtures['ca.crt']!, '--ca-key', encrypted];
	const missing = await runCli(args, {env: {MTLS_WIZARD_CA_KEY_PASSPHRASE: undefined}});
	t.is(missing.exitCode, 2);
	t.regex(missing.stderr, /--ca-key: .* is encrypted and no passphrase was given\. Set .*MTLS_WIZARD_CA_KEY_PASSPHRASE/);
	const wrong = await runCli(args, {env: {MTLS_WIZARD_CA_KEY_PASSPHRASE: 'wrong-pass-123'}});
	t.is(wrong.exitCode, 2);
	t.regex(wrong.stderr, /could not be decrypted/);
	t.notRegex(wrong.stderr, /wrong-pass-123/);
	t.deepEqual(await readdir(parent), ['ca-enc.key']);
});

test('certs refuses to overwrite existing keys without --force, and leaves them untouched', async t => {
	const parent = await mkdtemp(join(root, 'run-'));
	const out = join(parent, 'out');
	t.is((await runCli(['certs', '--out', out, '--server-dns', 'ok.example'])).exitCode, 0);
	const before = await readFile(join(out, 'server.key'), 'utf8');
	const again = await runCli(['certs', '--out', out, '--server-dns', 'ok.example']);
	t.is(again.exitCode, 2);
	t.regex(again.stderr, /^mtls-wizard: --out: ".*out" already holds ca\.crt, ca\.key, server\.crt, server\.key, client\.crt, client\.key\. .*--force/);
	t.is(await readFile(join(out, 'server.key'), 'utf8'), before);
	t.deepEqual((await readdir(parent)).sort(), ['out']);
});
