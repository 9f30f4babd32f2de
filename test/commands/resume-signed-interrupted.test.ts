import {createPrivateKey, X509Certificate} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {openssl} from '../pki/support/openssl.js';
import {runCli} from '../support/run-cli.js';
import {opensslSignRequest} from '../pki/support/openssl-ca.js';
import {requested, signedDir, type Requested} from './support/csr-session.js';
import {fingerprint, readSessions} from './support/session-files.js';
import {spawnCli} from './support/spawn-cli.js';
import {escapeRegExp} from '../support/escape-regexp.js';

/** The session a `renew` of r's deployment made (or r's own when none). */
async function latestSession(r: Requested, renewal: boolean) {
	const sessions = await readSessions(r.home);
	const found = renewal ? sessions.find(session => session.renewal !== undefined) : sessions.find(session => session.id === r.session.id);
	if (!found) throw new Error(`no ${renewal ? 'renewal' : 'run'} session among ${sessions.map(s => s.id).join(', ')}`);
	return found;
}

/**
 * resume --signed killed (SIGKILL, a real process) once the step has written the signed certificates into the
 * certificates directory but before the session recorded it; then the same resume --signed again.
 */
async function killedAfterTaking(t: ExecutionContext, r: Requested, sessionId: string, stepId: string, signed: string, resumeWith: string[] = ['--signed', signed], inTheWindow?: () => Promise<void>) {
	const killed = spawnCli(['resume', sessionId, '--signed', signed], {...r.env, MTLS_WIZARD_TEST_PAUSE_AFTER: stepId});
	await killed.waitForLine(new RegExp(`test pause after step ${stepId}`));
	killed.child.kill('SIGKILL');
	await killed.exited;
	// The window itself: the signed certificates are in place, the session does not know.
	for (const leaf of ['server', 'client']) {
		t.is(await fingerprint(join(r.certs, `${leaf}.crt`)), await fingerprint(join(signed, `${leaf}.crt`)), `${leaf}.crt was written before the kill`);
	}

	t.not((await latestSession(r, stepId !== 'certificates')).steps[stepId]?.state, 'done', 'the kill came before the step was recorded');
	await inTheWindow?.();
	const again = await runCli(['resume', sessionId, ...resumeWith], {env: r.env});
	t.is(again.exitCode, 0, again.stdout + again.stderr);
	t.regex(again.stdout, resumeWith.length > 0 ? /took the certificates your PKI signed/ : /keeping the certificates your PKI signed, taken into \S+ by an interrupted run of this session/, again.stderr);
	t.regex(again.stdout, /mutual TLS proven on 127\.0\.0\.1 for api\.corp\.example/);
	const session = await latestSession(r, stepId !== 'certificates');
	t.is(session.outcome, 'done');
	t.regex(session.steps[stepId]?.detail ?? '', /^2 certificates signed by your PKI \("O=Müller GmbH, CN=Corp Issuing CA"\)$/);
}

/** What an uninterrupted take deploys: DIR's leaves for the keys beside them, each followed by the issuing CA, judged by openssl. */
async function assertDeployed(t: ExecutionContext, r: Requested, signed: string) {
	for (const [leaf, purpose] of [['server', 'sslserver'], ['client', 'sslclient']] as const) {
		const file = join(r.certs, `${leaf}.crt`);
		const text = await readFile(file, 'utf8');
		t.is(new X509Certificate(text).fingerprint256, await fingerprint(join(signed, `${leaf}.crt`)), `${leaf}: the certificate from --signed`);
		t.is(text.match(/BEGIN CERTIFICATE/g)?.length, 2, `${leaf}: the leaf, then the issuing CA`);
		t.true(new X509Certificate(text).checkPrivateKey(createPrivateKey(await readFile(join(r.certs, `${leaf}.key`)))), `${leaf}: for the key beside it`);
		const verified = await openssl(['verify', '-purpose', purpose, '-CAfile', r.root.certPath, '-untrusted', file, file]);
		t.is(verified.code, 0, `${leaf}: ${verified.stdout}${verified.stderr}`);
	}

	t.is(await readFile(join(r.certs, 'ca.crt'), 'utf8'), r.issuing.certificatePem + r.root.certificatePem);
}

test('caMode=csr run: resume --signed killed after writing the certificates, before recording them, finishes when resumed --signed again', async t => {
	const r = await requested(t);
	const signed = await signedDir(r, 'signed-ok');
	await killedAfterTaking(t, r, r.session.id, 'certificates', signed, undefined, async () => {
		// A wrong certificate given meanwhile is refused as ever; REQUEST.txt now holds the record of the take, not the requests.
		const swapped = await signedDir(r, 'signed-swapped', {client: async (_csr, ca) => opensslSignRequest(r.pki, ca, {name: 'swapped-client', csrPath: join(r.certs, 'server.csr')})});
		const refused = await runCli(['resume', r.session.id, '--signed', swapped], {env: r.env});
		t.is(refused.exitCode, 2, refused.stdout + refused.stderr);
		t.regex(refused.stderr, new RegExp(`--signed: .*client\\.crt.*\\. Have your PKI sign ${escapeRegExp(join(r.certs, 'client.csr'))}, put the certificate at ${escapeRegExp(join(swapped, 'client.crt'))}, then resume again\\.`));
		t.notRegex(refused.stderr, /REQUEST\.txt/);
	});
	await assertDeployed(t, r, signed);
});

for (const reuseKeys of [false, true]) {
	test(`caMode=csr renew${reuseKeys ? ' --reuse-keys' : ''}: resume --signed killed after writing the renewed certificates, before recording them, finishes when resumed --signed again`, async t => {
		const r = await requested(t);
		const first = await runCli(['resume', r.session.id, '--signed', await signedDir(r, 'signed-first')], {env: r.env});
		t.is(first.exitCode, 0, first.stdout + first.stderr);
		const renewed = await runCli(['renew', ...(reuseKeys ? ['--reuse-keys'] : [])], {env: r.env});
		t.is(renewed.exitCode, 0, renewed.stdout + renewed.stderr);
		const renewal = await latestSession(r, true);
		t.is(renewal.outcome, 'awaiting-signature');
		const signed = await signedDir(r, 'signed-renewal');
		await killedAfterTaking(t, r, renewal.id, 'renew-certificates', signed);
		await assertDeployed(t, r, signed);
		if (!reuseKeys) return;
		// What the renewal replaced is still refused: only the very certificates it took are recognised.
		const stale = await runCli(['renew', '--reuse-keys'], {env: r.env});
		t.is(stale.exitCode, 0, stale.stdout + stale.stderr);
		const next = (await readSessions(r.home)).find(session => session.renewal !== undefined && session.id !== renewal.id)!;
		const refused = await runCli(['resume', next.id, '--signed', signed], {env: r.env});
		t.is(refused.exitCode, 2, refused.stdout + refused.stderr);
		t.regex(refused.stderr, /server\.crt is the certificate already deployed \(SHA-256 [0-9A-F:]+\), not a renewed one/);
	});
}

test('caMode=csr renew: resume --signed killed after writing the renewed certificates, then resumed without --signed, keeps them and their new keys rather than asking again', async t => {
	const r = await requested(t);
	const first = await runCli(['resume', r.session.id, '--signed', await signedDir(r, 'signed-first')], {env: r.env});
	t.is(first.exitCode, 0, first.stdout + first.stderr);
	t.is((await runCli(['renew'], {env: r.env})).exitCode, 0);
	const renewal = await latestSession(r, true);
	const signed = await signedDir(r, 'signed-renewal');
	const keyRequested = await readFile(join(r.certs, 'server.key'), 'utf8');
	await killedAfterTaking(t, r, renewal.id, 'renew-certificates', signed, []);
	t.is(await readFile(join(r.certs, 'server.key'), 'utf8'), keyRequested, 'the key the PKI signed for is kept');
	await assertDeployed(t, r, signed);
});
