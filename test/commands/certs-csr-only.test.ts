import {randomBytes} from 'node:crypto';
import {readdir, readFile, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {chainFile, opensslCa} from '../pki/support/openssl-ca.js';
import {openssl} from '../pki/support/openssl.js';
import {runCli} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';

test('certs --csr-only writes keys and CSRs with the SANs and EKUs; a PKI signs them as they are and verify proves the set', async t => {
	const dir = await tempDir(t, 'mtls-csr-');
	const out = join(dir, 'out');
	const made = await runCli(['certs', '--csr-only', '--out', out, '--server-dns', 'server.corp.example', '--server-ip', '127.0.0.1', '--client-cn', 'edge-東京', '--key-type', 'ecdsa-p256']);
	t.is(made.exitCode, 0, made.stderr);
	t.deepEqual((await readdir(out)).sort(), ['client.csr', 'client.key', 'server.csr', 'server.key']);
	t.is((await stat(join(out, 'server.key'))).mode & 0o777, 0o600);
	t.regex(made.stdout, /server\.csr +a TLS server certificate for CN=server\.corp\.example, SANs DNS:server\.corp\.example, IP:127\.0\.0\.1, EKU serverAuth, keyUsage digitalSignature, CA:FALSE, valid 825 days/);
	t.regex(made.stdout, /client\.csr +a TLS client certificate for CN=edge-東京, EKU clientAuth/);

	for (const name of ['server.csr', 'client.csr']) {
		const checked = await openssl(['req', '-in', join(out, name), '-verify', '-noout', '-text']);
		t.is(checked.code, 0, checked.stderr);
		t.regex(checked.stderr + checked.stdout, /verify OK/);
	}

	// The PKI team's side: openssl, copying the requested extensions, from an issuing CA under a root.
	const root = await opensslCa(dir, {name: 'root', subject: '/CN=Corp Root'});
	const issuing = await opensslCa(dir, {name: 'issuing', subject: '/CN=Corp Issuing', key: 'ec-p256', parent: root});
	for (const base of ['server', 'client']) {
		const signed = await openssl([
			'x509', '-req', '-in', join(out, `${base}.csr`), '-CA', issuing.certPath, '-CAkey', issuing.keyPath, '-copy_extensions', 'copy',
			'-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', '30', '-sha256', '-out', join(dir, `${base}-leaf.crt`),
		]);
		t.is(signed.code, 0, signed.stderr);
		await writeFile(join(out, `${base}.crt`), (await readFile(join(dir, `${base}-leaf.crt`), 'utf8')) + issuing.certificatePem);
	}

	await chainFile(out, 'ca.crt', [issuing, root]);
	const verify = await runCli(['verify', out, '--name', 'server.corp.example']);
	t.is(verify.exitCode, 0, verify.stdout + verify.stderr);
});

test('certs --csr-only with --ca-cert is refused: exit 2, nothing written', async t => {
	const dir = await tempDir(t, 'mtls-csr-');
	const result = await runCli(['certs', '--csr-only', '--out', join(dir, 'out'), '--server-dns', 'x.example', '--ca-cert', 'a.crt', '--ca-key', 'a.key']);
	t.is(result.exitCode, 2);
	t.regex(result.stderr, /^mtls-wizard: --ca-cert: not with --csr-only\./);
	t.deepEqual(await readdir(dir), []);
});
