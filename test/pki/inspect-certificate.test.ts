import test from 'ava';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {issueCa} from '../../source/pki/issue-ca.js';
import {inspectCertificate} from '../../source/pki/inspect-certificate.js';
import {issueLeafFor, issuePki, writeAll} from './support/fixtures.js';
import {tempDir} from '../support/temp-dir.js';
import {openssl} from './support/openssl.js';

test('the report agrees with openssl on fingerprint, serial, dates, SANs, usages and key', async t => {
	const dir = await tempDir(t);
	const pki = await issuePki();
	const paths = await writeAll(dir, {'server.crt': pki.server.certificatePem});
	const report = inspectCertificate(pki.server.certificatePem);
	const x509 = async (...args: string[]) => (await openssl(['x509', '-noout', '-in', paths['server.crt']!, ...args])).stdout.trim();
	t.is(`sha256 Fingerprint=${report.sha256Fingerprint}`, await x509('-fingerprint', '-sha256'));
	t.is(`serial=${report.serialNumber}`, await x509('-serial'));
	const end = (await x509('-enddate')).replace('notAfter=', '');
	t.is(report.notAfter, new Date(end).toISOString());
	t.deepEqual(report.dnsNames, ['localhost', 'server.example.test', '*.apps.example.test']);
	t.deepEqual(report.ipAddresses, ['127.0.0.1', '0:0:0:0:0:0:0:1']);
	t.deepEqual(report.extendedKeyUsage, ['serverAuth']);
	t.deepEqual(report.keyUsage, ['digitalSignature', 'keyEncipherment']);
	t.deepEqual(report.key, {type: 'rsa', bits: 2048});
	t.is(report.signatureAlgorithm, 'sha256WithRSAEncryption');
	t.is(report.subject, 'CN=localhost');
	t.is(report.issuer, 'CN=Test CA');
	t.false(report.isCa);
	t.false(report.expired);
	t.true(report.daysLeft === 9 || report.daysLeft === 10, String(report.daysLeft));
});

test('the CA report shows CA:true, keyCertSign and cRLSign, and self-signed', async t => {
	const pki = await issuePki();
	const report = inspectCertificate(pki.ca.certificatePem);
	t.true(report.isCa);
	t.true(report.selfSigned);
	t.deepEqual(report.keyUsage, ['keyCertSign', 'cRLSign']);
	t.is(report.extendedKeyUsage, undefined);
});

test('the chain check says yes for the issuing CA and explains a no for another CA or a non-CA', async t => {
	const pki = await issuePki();
	const other = {ca: await issueCa({commonName: 'Other CA', days: 5, keySize: 2048})};
	t.like(inspectCertificate(pki.client.certificatePem, {caPem: pki.ca.certificatePem}), {chainsToCa: true});
	const foreign = inspectCertificate(pki.client.certificatePem, {caPem: other.ca.certificatePem});
	t.false(foreign.chainsToCa);
	t.regex(foreign.chainReason!, /not by the given CA/);
	const notCa = inspectCertificate(pki.client.certificatePem, {caPem: pki.server.certificatePem});
	t.false(notCa.chainsToCa);
	t.regex(notCa.chainReason!, /not a CA certificate/);
});

test('a forged issuer name does not pass the chain check: the signature is verified', async t => {
	const pki = await issuePki();
	// A second CA with the same subject name but its own key: names match, signatures do not.
	const lookalike = await issueCa({commonName: 'Test CA', days: 5, keySize: 2048});
	const leaf = await issueLeafFor(lookalike, {role: 'client'});
	const report = inspectCertificate(leaf.certificatePem, {caPem: pki.ca.certificatePem});
	t.false(report.chainsToCa);
	t.regex(report.chainReason!, /signature does not verify/);
});

test('describes an EC certificate made by openssl (forge cannot parse it)', async t => {
	const dir = await tempDir(t);
	const made = await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'ec.key'), '-out', join(dir, 'ec.crt'), '-subj', '/CN=ec', '-days', '2', '-addext', 'extendedKeyUsage=clientAuth']);
	t.is(made.code, 0, made.stderr);
	const report = inspectCertificate(await readFile(join(dir, 'ec.crt'), 'utf8'));
	t.deepEqual(report.key, {type: 'ec', curve: 'prime256v1'});
	t.deepEqual(report.extendedKeyUsage, ['clientAuth']);
	t.is(report.signatureAlgorithm, 'ecdsa-with-SHA256');
});
