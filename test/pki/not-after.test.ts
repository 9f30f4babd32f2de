import {X509Certificate} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {certificateNotAfter} from '../../source/pki/not-after.js';
import {openssl} from './support/openssl.js';
import {tempDir} from '../support/temp-dir.js';

/** A self-signed certificate openssl makes for `days`, and the end date openssl itself prints for it. */
async function made(dir: string, name: string, days: number): Promise<{pem: string; opensslEnd: Date}> {
	const cert = join(dir, `${name}.crt`);
	const result = await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, `${name}.key`), '-subj', `/CN=${name}`, '-days', String(days), '-out', cert]);
	if (result.code !== 0) throw new Error(result.stderr);
	const end = await openssl(['x509', '-in', cert, '-noout', '-enddate']);
	return {pem: await readFile(cert, 'utf8'), opensslEnd: new Date(end.stdout.trim().replace(/^notAfter=/, ''))};
}

test('notAfter read from the DER is the end date openssl and Node print, as UTCTime (before 2050) and as GeneralizedTime (from 2050)', async t => {
	const dir = await tempDir(t);
	// 10 days ends in a UTCTime year; 12000 days (past 2050) in a GeneralizedTime one.
	for (const [name, days] of [['soon', 10], ['late', 12_000]] as const) {
		const {pem, opensslEnd} = await made(dir, name, days);
		t.deepEqual(certificateNotAfter(pem), opensslEnd, name);
		t.deepEqual(certificateNotAfter(pem), new Date(new X509Certificate(pem).validTo), name);
	}

	t.true(certificateNotAfter((await made(dir, 'late-check', 12_000)).pem).getUTCFullYear() >= 2050);
});

test('text without a certificate, or a block that is not X.509, is refused', t => {
	t.throws(() => certificateNotAfter('no certificate here'), {message: 'no CERTIFICATE block'});
	t.throws(() => certificateNotAfter('-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n'));
});
