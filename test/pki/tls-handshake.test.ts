import test from 'ava';
import {issueCa} from '../../source/pki/issue-ca.js';
import {verifyMutualTls} from '../../source/pki/verify-mutual-tls.js';
import {issueLeafFor, issuePki, type Pki} from './support/fixtures.js';
import {strictHandshake} from './support/tls-pair.js';

function serverSide(pki: Pki) {
	return {key: pki.server.privateKeyPem, cert: pki.server.certificatePem, ca: pki.ca.certificatePem};
}

test('a strict Node mTLS server accepts the issued client under each DNS name and the wildcard', async t => {
	const pki = await issuePki();
	for (const servername of ['server.example.test', 'localhost', 'api.apps.example.test']) {
		const attempt = await strictHandshake({
			server: serverSide(pki),
			client: {ca: pki.ca.certificatePem, servername, cert: pki.client.certificatePem, key: pki.client.privateKeyPem},
		});
		t.deepEqual(attempt, {gotReply: true}, servername);
	}
});

test('a strict Node mTLS server accepts a client whose key is encrypted, given the passphrase', async t => {
	const pki = await issuePki({clientPassphrase: 's3cret'});
	const attempt = await strictHandshake({
		server: serverSide(pki),
		client: {ca: pki.ca.certificatePem, servername: 'localhost', cert: pki.client.certificatePem, key: pki.client.privateKeyPem, passphrase: 's3cret'},
	});
	t.true(attempt.gotReply);
});

test('a strict Node mTLS server refuses a client without a certificate', async t => {
	const pki = await issuePki();
	const attempt = await strictHandshake({server: serverSide(pki), client: {ca: pki.ca.certificatePem, servername: 'localhost'}});
	t.false(attempt.gotReply);
	t.is(attempt.serverError, 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE');
});

test('a strict Node mTLS server refuses a client certificate from another CA', async t => {
	const pki = await issuePki();
	const otherCa = await issueCa({commonName: 'Other CA', days: 5, keySize: 2048});
	const stranger = await issueLeafFor(otherCa, {role: 'client', commonName: 'stranger'});
	const attempt = await strictHandshake({
		server: serverSide(pki),
		client: {ca: pki.ca.certificatePem, servername: 'localhost', cert: stranger.certificatePem, key: stranger.privateKeyPem},
	});
	t.false(attempt.gotReply);
});

test('a strict Node mTLS server refuses a client certificate that has only serverAuth', async t => {
	const pki = await issuePki();
	const serverOnly = await issueLeafFor(pki.ca, {role: 'server', commonName: 'not-a-client', dnsNames: ['not-a-client.example']});
	const attempt = await strictHandshake({
		server: serverSide(pki),
		client: {ca: pki.ca.certificatePem, servername: 'localhost', cert: serverOnly.certificatePem, key: serverOnly.privateKeyPem},
	});
	t.false(attempt.gotReply);
	const dual = await issueLeafFor(pki.ca, {role: 'server-client', commonName: 'both'});
	const dualAttempt = await strictHandshake({
		server: serverSide(pki),
		client: {ca: pki.ca.certificatePem, servername: 'localhost', cert: dual.certificatePem, key: dual.privateKeyPem},
	});
	t.true(dualAttempt.gotReply, 'a server-client certificate carries clientAuth too');
});

test('the client refuses a server name the certificate does not cover', async t => {
	const pki = await issuePki();
	const attempt = await strictHandshake({
		server: serverSide(pki),
		client: {ca: pki.ca.certificatePem, servername: 'other.example.test', cert: pki.client.certificatePem, key: pki.client.privateKeyPem},
	});
	t.false(attempt.gotReply);
	t.is(attempt.clientError, 'ERR_TLS_CERT_ALTNAME_INVALID');
});

function input(pki: Pki, serverName: string) {
	return {
		caPem: pki.ca.certificatePem,
		serverCertPem: pki.server.certificatePem,
		serverKeyPem: pki.server.privateKeyPem,
		clientCertPem: pki.client.certificatePem,
		clientKeyPem: pki.client.privateKeyPem,
		serverName,
	};
}

test('verifyMutualTls passes a good set and names the reason of each refusal', async t => {
	const pki = await issuePki();
	const report = await verifyMutualTls(input(pki, 'server.example.test'));
	t.true(report.ok, JSON.stringify(report, null, 2));
	t.deepEqual(
		report.cases.map(c => [c.expected, c.outcome, c.cause]),
		[
			['accepted', 'accepted', undefined],
			['refused', 'refused', 'no-client-certificate'],
			['refused', 'refused', 'untrusted-client-certificate'],
			['refused', 'refused', 'wrong-server-name'],
		],
	);
	t.regex(report.cases[1]!.reason, /no certificate/);
	t.regex(report.cases[2]!.reason, /not signed by the trusted CA/);
	t.regex(report.cases[3]!.reason, /does not cover the name/);
});

test('verifyMutualTls checks an IP server name against the IP SANs', async t => {
	const pki = await issuePki();
	t.true((await verifyMutualTls(input(pki, '127.0.0.1'))).ok);
	const unlisted = await verifyMutualTls(input(pki, '127.0.0.2'));
	t.false(unlisted.ok);
	t.regex(unlisted.cases[0]!.reason, /does not cover the name "127\.0\.0\.2"/);
});

test('verifyMutualTls fails a client certificate with only serverAuth, saying the EKU lacks clientAuth', async t => {
	const pki = await issuePki();
	const serverOnly = await issueLeafFor(pki.ca, {role: 'server', commonName: 'x', dnsNames: ['x.example']});
	const report = await verifyMutualTls({...input(pki, 'localhost'), clientCertPem: serverOnly.certificatePem, clientKeyPem: serverOnly.privateKeyPem});
	t.false(report.ok);
	t.is(report.cases[0]!.outcome, 'refused');
	t.is(report.cases[0]!.cause, 'client-certificate-purpose');
	t.regex(report.cases[0]!.reason, /extendedKeyUsage lacks clientAuth or its keyUsage lacks digitalSignature \(INVALID_PURPOSE\)/);
});

test('verifyMutualTls does not count refusals for the wrong reason: a client-only server certificate fails every case', async t => {
	const pki = await issuePki();
	const report = await verifyMutualTls({...input(pki, 'localhost'), serverCertPem: pki.client.certificatePem, serverKeyPem: pki.client.privateKeyPem});
	t.false(report.ok);
	t.true(report.cases.every(c => !c.passed), JSON.stringify(report.cases, null, 2));
	t.regex(report.cases[0]!.reason, /lacks serverAuth/);
});
