import {X509Certificate, createPrivateKey} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {openssl} from '../pki/support/openssl.js';
import {runCli} from '../support/run-cli.js';
import {requested, signedDir, type Requested} from './support/csr-session.js';
import {fingerprint, readSessions} from './support/session-files.js';

/** A caMode=csr deployment carried through: its requests signed by openssl and taken with resume --signed. */
async function deployed(t: ExecutionContext): Promise<Requested & {signed: string}> {
	const r = await requested(t);
	const signed = await signedDir(r, 'signed-first');
	const resumed = await runCli(['resume', r.session.id, '--signed', signed], {env: r.env});
	t.is(resumed.exitCode, 0, resumed.stdout + resumed.stderr);
	return {...r, signed};
}

async function renewalSession(r: Requested) {
	const sessions = await readSessions(r.home);
	const renewal = sessions.find(session => session.renewal !== undefined);
	if (!renewal) throw new Error(`no renewal session among ${sessions.map(s => s.id).join(', ')}`);
	return renewal;
}

const verifies = async (r: Requested, leaf: string, purpose: string) =>
	openssl(['verify', '-purpose', purpose, '-CAfile', r.root.certPath, '-untrusted', join(r.certs, `${leaf}.crt`), join(r.certs, `${leaf}.crt`)]);

test('renew of a caMode=csr deployment makes new keys and requests and stops for the PKI; resume --signed takes the new certificates, proves and finishes', async t => {
	const r = await deployed(t);
	const keyBefore = await readFile(join(r.certs, 'server.key'), 'utf8');
	const certBefore = await fingerprint(join(r.certs, 'server.crt'));
	const csrBefore = await readFile(join(r.certs, 'server.csr'), 'utf8');

	const renewed = await runCli(['renew'], {env: r.env});
	t.is(renewed.exitCode, 0, renewed.stdout + renewed.stderr);
	t.regex(renewed.stdout, /Request new server, client certificates from your PKI, with new keys/);
	t.regex(renewed.stdout, /Stopped at renew-certificates for your PKI to sign/);
	const renewal = await renewalSession(r);
	t.is(renewal.renewal?.of, r.session.id);
	t.is(renewal.outcome, 'awaiting-signature');
	t.true(renewed.stdout.includes(`mtls-wizard resume ${renewal.id} --signed ${join(r.out, 'signed')}`));
	t.true((await readFile(join(r.certs, 'REQUEST.txt'), 'utf8')).includes(`mtls-wizard resume ${renewal.id} --signed`));
	const keyRequested = await readFile(join(r.certs, 'server.key'), 'utf8');
	t.not(keyRequested, keyBefore, 'a new key');
	t.not(await readFile(join(r.certs, 'server.csr'), 'utf8'), csrBefore, 'a new request');
	t.is(await fingerprint(join(r.certs, 'server.crt')), certBefore, 'the deployed certificate stays until the new one is signed');
	t.notRegex(renewed.stdout, /verify-handshake/, 'nothing after the requests ran');

	// Asked again, the keys already sent to the PKI are kept.
	const again = await runCli(['resume', renewal.id], {env: r.env});
	t.is(again.exitCode, 0, again.stdout + again.stderr);
	t.is(await readFile(join(r.certs, 'server.key'), 'utf8'), keyRequested);

	// The certificates signed for the old keys are refused; the newly signed ones are taken.
	const stale = await runCli(['resume', renewal.id, '--signed', r.signed], {env: r.env});
	t.is(stale.exitCode, 2, stale.stdout + stale.stderr);
	t.regex(stale.stderr, /server\.crt does not hold the public key of its request/);
	const done = await runCli(['resume', renewal.id, '--signed', await signedDir(r, 'signed-renewal')], {env: r.env});
	t.is(done.exitCode, 0, done.stdout + done.stderr);
	t.regex(done.stdout, /took the certificates your PKI signed/);
	t.regex(done.stdout, /mutual TLS proven on 127\.0\.0\.1 for api\.corp\.example/);
	const serverFile = await readFile(join(r.certs, 'server.crt'), 'utf8');
	t.not(new X509Certificate(serverFile).fingerprint256, certBefore, 'a renewed certificate');
	t.true(new X509Certificate(serverFile).checkPrivateKey(createPrivateKey(keyRequested)), 'for the new key');
	for (const [leaf, purpose] of [['server', 'sslserver'], ['client', 'sslclient']] as const) {
		const verified = await verifies(r, leaf, purpose);
		t.is(verified.code, 0, `${leaf}: ${verified.stdout}${verified.stderr}`);
	}

	t.is((await renewalSession(r)).outcome, 'done');
});

test('renew --reuse-keys of a caMode=csr deployment asks again for the same keys and refuses the certificate it renews', async t => {
	const r = await deployed(t);
	const keyBefore = await readFile(join(r.certs, 'client.key'), 'utf8');
	const certBefore = await fingerprint(join(r.certs, 'client.crt'));

	const exported = await runCli(['renew', r.session.id, '--export', join(r.dir, 'bundle')], {env: r.env});
	t.is(exported.exitCode, 2, exported.stdout + exported.stderr);
	t.regex(exported.stderr, /^mtls-wizard: --export: not with caMode=csr/);
	const renewed = await runCli(['renew', r.session.id, '--reuse-keys'], {env: r.env});
	t.is(renewed.exitCode, 0, renewed.stdout + renewed.stderr);
	t.regex(renewed.stdout, /with the same keys/);
	t.is(await readFile(join(r.certs, 'client.key'), 'utf8'), keyBefore);
	const renewal = await renewalSession(r);
	t.is(renewal.outcome, 'awaiting-signature');

	const same = await runCli(['resume', renewal.id, '--signed', r.signed], {env: r.env});
	t.is(same.exitCode, 2, same.stdout + same.stderr);
	t.regex(same.stderr, /server\.crt is the certificate already deployed \(SHA-256 [0-9A-F:]+\), not a renewed one/);
	const done = await runCli(['resume', renewal.id, '--signed', await signedDir(r, 'signed-renewal')], {env: r.env});
	t.is(done.exitCode, 0, done.stdout + done.stderr);
	t.not(await fingerprint(join(r.certs, 'client.crt')), certBefore);
	t.true(new X509Certificate(await readFile(join(r.certs, 'client.crt'))).checkPrivateKey(createPrivateKey(keyBefore)), 'signed for the same key');
	const verified = await verifies(r, 'client', 'sslclient');
	t.is(verified.code, 0, verified.stdout + verified.stderr);
});
