import {X509Certificate} from 'node:crypto';
import {readdir, readFile, stat} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {opensslCa, opensslLeaf, opensslSignRequest} from '../pki/support/openssl-ca.js';
import {openssl} from '../pki/support/openssl.js';
import {runCli} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';
import {requested, server, signedDir} from './support/csr-session.js';
import {readSessions, sessionTexts} from './support/session-files.js';
import {spawnCli} from './support/spawn-cli.js';

test('run --set caMode=csr makes keys and requests with the names and EKUs, stops awaiting-signature; resume --signed takes what openssl signed and proves it', async t => {
	const r = await requested(t);
	t.regex(r.run.stdout, /server\.csr +a TLS server certificate for CN=api\.corp\.example, SANs DNS:api\.corp\.example, IP:127\.0\.0\.1, EKU serverAuth, keyUsage digitalSignature, keyEncipherment, CA:FALSE, valid 825 days/);
	t.regex(r.run.stdout, /client\.csr +a TLS client certificate for CN=edge-東京, EKU clientAuth/);
	t.regex(r.run.stdout, /Put the signed certificates into \S+\/out\/signed as server\.crt, client\.crt/);
	t.notRegex(r.run.stdout, /verify-handshake/, 'nothing after the requests ran');
	t.deepEqual((await readdir(r.certs)).sort(), ['REQUEST.txt', 'client.csr', 'client.key', 'server.csr', 'server.key']);
	for (const key of ['server.key', 'client.key']) t.is((await stat(join(r.certs, key))).mode & 0o777, 0o600, key);
	t.is((await stat(r.certs)).mode & 0o777, 0o700);
	const request = await readFile(join(r.certs, 'REQUEST.txt'), 'utf8');
	t.regex(request, /server\.csr +a TLS server certificate/);
	t.true(request.includes(`mtls-wizard resume ${r.session.id} --signed`));
	const csr = await openssl(['req', '-in', join(r.certs, 'server.csr'), '-verify', '-noout', '-text']);
	t.regex(csr.stdout, /DNS:api\.corp\.example, IP Address:127\.0\.0\.1/);
	t.regex(csr.stdout, /TLS Web Server Authentication/);
	t.regex((await openssl(['req', '-in', join(r.certs, 'client.csr'), '-noout', '-text'])).stdout, /TLS Web Client Authentication/);
	t.is(r.session.outcome, 'awaiting-signature');
	t.is(r.session.steps['certificates']?.state, 'pending');
	for (const text of await sessionTexts(r.home)) t.false(/PRIVATE KEY|BEGIN/.test(text), 'the session holds no key');

	// Each leaf file holds the leaf alone, as many PKIs hand it out: the wizard adds the intermediate.
	const signed = await signedDir(r, 'signed-ok');
	const killed = spawnCli(['resume', r.session.id, '--signed', signed], {...r.env, MTLS_WIZARD_TEST_PAUSE_BEFORE: 'use-bundle'});
	const taken = await killed.waitForLine(/test pause before step use-bundle/);
	killed.child.kill('SIGKILL');
	await killed.exited;
	t.regex(taken, /took the certificates your PKI signed/);
	t.regex(taken, /mutual TLS proven on 127\.0\.0\.1 for api\.corp\.example/);
	// Resumed again without --signed: what was taken and proved stays done.
	const resumed = await runCli(['resume', r.session.id], {env: r.env});
	t.is(resumed.exitCode, 0, resumed.stdout + resumed.stderr);
	t.regex(resumed.stdout, /certificates .*skipped \(done in session/);
	t.regex(resumed.stdout, /verify-handshake .*skipped \(done in session/);
	const serverFile = await readFile(join(r.certs, 'server.crt'), 'utf8');
	t.is(serverFile.match(/BEGIN CERTIFICATE/g)?.length, 2, 'the leaf, then the issuing CA');
	t.true(new X509Certificate(serverFile).checkPrivateKey((await import('node:crypto')).createPrivateKey(await readFile(join(r.certs, 'server.key')))));
	const verified = await openssl(['verify', '-purpose', 'sslserver', '-CAfile', r.root.certPath, '-untrusted', join(r.certs, 'server.crt'), join(r.certs, 'server.crt')]);
	t.is(verified.code, 0, verified.stdout + verified.stderr);
	t.is(await readFile(join(r.certs, 'ca.crt'), 'utf8'), r.issuing.certificatePem + r.root.certificatePem);
	const [done] = await readSessions(r.home);
	t.is(done?.outcome, 'done');
	for (const text of await sessionTexts(r.home)) t.false(/PRIVATE KEY|BEGIN/.test(text), 'the session holds no key');
});

test('resume --signed refuses a wrong key, a missing SAN, a missing clientAuth and an expired certificate, naming the file; the session keeps waiting', async t => {
	const r = await requested(t);
	const keysBefore = await readFile(join(r.certs, 'server.key'), 'utf8');
	const cases: Array<{name: string; dir: () => Promise<string>; refusal: RegExp}> = [
		{
			name: 'wrong-key',
			dir: async () =>
				signedDir(r, 'wrong-key', {
					server: async (_csr, ca) =>
						(await opensslLeaf(r.pki, ca, {name: 'other-key', subject: `/CN=${server}`, extensions: [`subjectAltName=DNS:${server},IP:127.0.0.1`, 'extendedKeyUsage=serverAuth']})).certPath,
				}),
			refusal: /\/wrong-key\/server\.crt does not hold the public key of its request/,
		},
		{
			name: 'wrong-san',
			dir: async () => signedDir(r, 'wrong-san', {server: async (csr, ca) => opensslSignRequest(r.pki, ca, {name: 'wrong-san', csrPath: csr, override: ['subjectAltName=DNS:other.corp.example']})}),
			refusal: /\/wrong-san\/server\.crt lacks the subjectAltNames DNS:api\.corp\.example, IP:127\.0\.0\.1 its request asked for/,
		},
		{
			name: 'no-client-auth',
			dir: async () => signedDir(r, 'no-client-auth', {client: async (csr, ca) => opensslSignRequest(r.pki, ca, {name: 'no-client-auth', csrPath: csr, override: ['extendedKeyUsage=serverAuth']})}),
			refusal: /\/no-client-auth\/client\.crt has extendedKeyUsage without clientAuth/,
		},
		{
			name: 'expired',
			dir: async () =>
				signedDir(r, 'expired', {client: async (csr, ca) => opensslSignRequest(r.pki, ca, {name: 'expired', csrPath: csr, startDate: '20200101000000Z', endDate: '20200201000000Z'})}),
			refusal: /\/expired\/client\.crt expired on 2020-02-01/,
		},
	];
	for (const refused of cases) {
		const result = await runCli(['resume', r.session.id, '--signed', await refused.dir()], {env: r.env});
		t.is(result.exitCode, 2, `${refused.name}: ${result.stdout}${result.stderr}`);
		t.regex(result.stderr, /^mtls-wizard: --signed: /, refused.name);
		t.regex(result.stderr, refused.refusal, refused.name);
		t.regex(result.stderr, /Have your PKI sign \S+\.csr as \S+REQUEST\.txt asks/, refused.name);
		t.is(result.stderr.trim().split('\n').length, 1, `${refused.name}: one line`);
		t.is(result.stdout, '', `${refused.name}: nothing ran`);
		t.deepEqual((await readdir(r.certs)).sort(), ['REQUEST.txt', 'client.csr', 'client.key', 'server.csr', 'server.key'], `${refused.name}: nothing written`);
	}

	const [session] = await readSessions(r.home);
	t.is(session?.outcome, 'awaiting-signature');

	// Resumed without --signed it asks again, for the same keys: one already sent to the PKI stays valid.
	const again = await runCli(['resume', r.session.id], {env: r.env});
	t.is(again.exitCode, 0, again.stdout + again.stderr);
	t.regex(again.stdout, /Stopped at certificates for your PKI to sign/);
	t.is(await readFile(join(r.certs, 'server.key'), 'utf8'), keysBefore);
});

test('caMode=csr with caCert, or with --export, is refused before anything is written', async t => {
	const dir = await tempDir(t, 'mtls-run-csr-');
	const env = {MTLS_WIZARD_HOME: join(dir, 'home')};
	const ca = await opensslCa(await tempDir(t, 'mtls-run-csr-ca-'), {name: 'ca', subject: '/CN=Some CA'});
	const withCa = await runCli(['run', 'generic', '--target', 'bundle', '--out', join(dir, 'out'), '--set', 'caMode=csr', '--set', `caCert=${ca.certPath}`, '--set', `caKey=${ca.keyPath}`], {env});
	t.is(withCa.exitCode, 2);
	t.is(withCa.stderr, `mtls-wizard: --set caCert: ${JSON.stringify(ca.certPath)} is not used with caMode=csr. Leave caCert and caKey unset, or choose caMode=own-ca to sign with your CA\n`);
	const exported = await runCli(['run', 'generic', '--target', 'bundle', '--set', 'caMode=csr', '--export', join(dir, 'bundle')], {env});
	t.is(exported.exitCode, 2);
	t.regex(exported.stderr, /^mtls-wizard: --export: not with caMode=csr/);
	t.deepEqual(await readdir(dir), []);
});
