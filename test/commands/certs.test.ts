import test from 'ava';
import {readdir, readFile, stat} from 'node:fs/promises';
import {join} from 'node:path';
import {tempDir} from '../support/temp-dir.js';
import {openssl, opensslVerify} from '../pki/support/openssl.js';
import {runCli} from '../support/run-cli.js';

const mode = async (path: string) => (await stat(path)).mode & 0o777;

test('certs writes the six files, keys PKCS#8 0600 in a 0700 directory, and openssl accepts them', async t => {
	const out = join(await tempDir(t), 'pki');
	const result = await runCli(['certs', '--out', out, '--server-dns', 'api.example.test', '--server-dns', '*.api.example.test', '--server-ip', '127.0.0.1']);
	t.is(result.exitCode, 0, result.stderr);
	t.deepEqual((await readdir(out)).sort(), ['ca.crt', 'ca.key', 'client.crt', 'client.key', 'server.crt', 'server.key']);
	t.is(await mode(out), 0o700);
	for (const key of ['ca.key', 'server.key', 'client.key']) {
		t.is(await mode(join(out, key)), 0o600, key);
		const pem = await readFile(join(out, key), 'utf8');
		t.true(pem.startsWith('-----BEGIN PRIVATE KEY-----\n'), key);
		t.false(result.stdout.includes(pem.split('\n')[1]!), `${key} is not printed`);
	}

	const ca = join(out, 'ca.crt');
	for (const check of [['-verify_hostname', 'api.example.test'], ['-verify_hostname', 'v1.api.example.test'], ['-verify_ip', '127.0.0.1']]) {
		const verdict = await opensslVerify(ca, join(out, 'server.crt'), ['-purpose', 'sslserver', ...check]);
		t.true(verdict.ok, verdict.output);
	}

	t.true((await opensslVerify(ca, join(out, 'client.crt'), ['-purpose', 'sslclient'])).ok);
	t.false((await opensslVerify(ca, join(out, 'client.crt'), ['-purpose', 'sslserver'])).ok);
	t.regex((await openssl(['x509', '-in', join(out, 'server.crt'), '-noout', '-subject'])).stdout, /CN ?= ?api\.example\.test/);
	t.regex((await openssl(['x509', '-in', join(out, 'client.crt'), '-noout', '-subject'])).stdout, /CN ?= ?client/);
	const serverEnd = new Date((await openssl(['x509', '-in', join(out, 'server.crt'), '-noout', '-enddate'])).stdout.trim().replace('notAfter=', ''));
	const caEnd = new Date((await openssl(['x509', '-in', ca, '-noout', '-enddate'])).stdout.trim().replace('notAfter=', ''));
	t.is(Math.round((serverEnd.getTime() - Date.now()) / 86_400_000), 825);
	t.is(Math.round((caEnd.getTime() - Date.now()) / 86_400_000), 3650);
	t.regex(result.stdout, /Wrote 6 files to /);
	t.regex(result.stdout, /mtls-wizard verify /);
});

test('certs with several --client-cn writes client-<cn> pairs, each a clientAuth certificate with that CN', async t => {
	const out = join(await tempDir(t), 'pki');
	const result = await runCli(['certs', '--out', out, '--server-dns', 'localhost', '--client-cn', 'agent-1', '--client-cn', 'agent-2', '--days', '30', '--key-size', '3072']);
	t.is(result.exitCode, 0, result.stderr);
	t.deepEqual((await readdir(out)).sort(), ['ca.crt', 'ca.key', 'client-agent-1.crt', 'client-agent-1.key', 'client-agent-2.crt', 'client-agent-2.key', 'server.crt', 'server.key']);
	for (const cn of ['agent-1', 'agent-2']) {
		const cert = join(out, `client-${cn}.crt`);
		t.true((await opensslVerify(join(out, 'ca.crt'), cert, ['-purpose', 'sslclient'])).ok);
		const text = (await openssl(['x509', '-in', cert, '-noout', '-text'])).stdout;
		t.regex(text, new RegExp(`Subject: CN ?= ?${cn}\\n`));
		t.regex(text, /Public-Key: \(3072 bit\)/);
	}

	const end = new Date((await openssl(['x509', '-in', join(out, 'server.crt'), '-noout', '-enddate'])).stdout.trim().replace('notAfter=', ''));
	t.is(Math.round((end.getTime() - Date.now()) / 86_400_000), 30);
});

test('certs with an imported CA (encrypted key, passphrase from the environment) copies ca.crt but never ca.key', async t => {
	const dir = await tempDir(t);
	const caCert = join(dir, 'my-ca.crt');
	const caKey = join(dir, 'my-ca.key');
	const made = await openssl([
		'req', '-x509', '-newkey', 'rsa:2048', '-keyout', caKey, '-out', caCert, '-subj', '/O=Acme/CN=Acme Root', '-days', '100',
		'-passout', 'env:PASS', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
	], {PASS: 'ca secret'});
	t.is(made.code, 0, made.stderr);
	const out = join(dir, 'pki');
	const result = await runCli(['certs', '--out', out, '--server-dns', 'svc.example', '--days', '50', '--ca-cert', caCert, '--ca-key', caKey], {
		env: {MTLS_WIZARD_CA_KEY_PASSPHRASE: 'ca secret'},
	});
	t.is(result.exitCode, 0, result.stderr);
	t.deepEqual((await readdir(out)).sort(), ['ca.crt', 'client.crt', 'client.key', 'server.crt', 'server.key']);
	t.is(await readFile(join(out, 'ca.crt'), 'utf8'), await readFile(caCert, 'utf8'));
	t.true((await opensslVerify(caCert, join(out, 'server.crt'), ['-purpose', 'sslserver', '-verify_hostname', 'svc.example'])).ok);
	t.true((await opensslVerify(caCert, join(out, 'client.crt'), ['-purpose', 'sslclient'])).ok);
	t.notRegex(result.stdout + result.stderr, /ca secret/);
	t.regex(result.stdout, /its key was not copied/);
});

test('certs --force replaces an existing set; --json describes the files', async t => {
	const out = join(await tempDir(t), 'pki');
	t.is((await runCli(['certs', '--out', out, '--server-dns', 'one.example'])).exitCode, 0);
	const before = await readFile(join(out, 'server.key'), 'utf8');
	const result = await runCli(['certs', '--out', out, '--server-dns', 'two.example', '--force', '--json']);
	t.is(result.exitCode, 0, result.stderr);
	t.not(await readFile(join(out, 'server.key'), 'utf8'), before);
	const summary = JSON.parse(result.stdout) as {out: string; ca: {imported: boolean}; server: {dnsNames: string[]}; files: Array<{path: string; mode: string}>};
	t.is(summary.out, out);
	t.false(summary.ca.imported);
	t.deepEqual(summary.server.dnsNames, ['two.example']);
	t.deepEqual(summary.files.filter(f => f.path.endsWith('.key')).map(f => f.mode), ['0600', '0600', '0600']);
	t.true((await opensslVerify(join(out, 'ca.crt'), join(out, 'server.crt'), ['-purpose', 'sslserver', '-verify_hostname', 'two.example'])).ok);
});
