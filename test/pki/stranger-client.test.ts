import test from 'ava';
import {createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate} from 'node:crypto';
import {issueStrangerClient} from '../../source/pki/stranger-client.js';
import {issuePki, writeAll, type Pki} from './support/fixtures.js';
import {tempDir} from '../support/temp-dir.js';
import {opensslVerify} from './support/openssl.js';
import {strictHandshake} from './support/tls-pair.js';

function publicKeyDer(pem: string, passphrase?: string): Buffer {
	const key = createPrivateKey({key: pem, format: 'pem', ...(passphrase === undefined ? {} : {passphrase})});
	return createPublicKey(key).export({type: 'spki', format: 'der'});
}

async function strictServerRefuses(pki: Pki, cert: string, key: string) {
	return strictHandshake({
		server: {key: pki.server.privateKeyPem, cert: pki.server.certificatePem, ca: pki.ca.certificatePem},
		client: {ca: pki.ca.certificatePem, servername: 'localhost', cert, key},
	});
}

test('the stranger is the client key under a throwaway CA: refused by a strict server and by openssl for its issuer', async t => {
	const pki = await issuePki();
	const stranger = await issueStrangerClient('mtls-wizard throwaway CA', pki.client.privateKeyPem);
	const certificate = new X509Certificate(stranger.certificatePem);
	t.deepEqual(certificate.publicKey.export({type: 'spki', format: 'der'}), publicKeyDer(pki.client.privateKeyPem), 'no new key was generated');
	t.is(certificate.issuer, 'CN=mtls-wizard throwaway CA');

	// The real client certificate with the same key gets in, so the refusal below is about the issuer alone.
	t.true((await strictServerRefuses(pki, pki.client.certificatePem, pki.client.privateKeyPem)).gotReply);
	const attempt = await strictServerRefuses(pki, stranger.certificatePem, stranger.privateKeyPem);
	t.false(attempt.gotReply);

	const paths = await writeAll(await tempDir(t), {'ca.crt': pki.ca.certificatePem, 'stranger.crt': stranger.certificatePem});
	const verdict = await opensslVerify(paths['ca.crt']!, paths['stranger.crt']!, []);
	t.false(verdict.ok);
	t.regex(verdict.output, /unable to get local issuer certificate/);
});

test('an encrypted client key is opened with its passphrase and reused', async t => {
	const pki = await issuePki({clientPassphrase: 's3cret'});
	const stranger = await issueStrangerClient('mtls-wizard throwaway CA', pki.client.privateKeyPem, 's3cret');
	t.deepEqual(new X509Certificate(stranger.certificatePem).publicKey.export({type: 'spki', format: 'der'}), publicKeyDer(pki.client.privateKeyPem, 's3cret'));
});

test('an EC client key is reused too (the throwaway CA signs with ECDSA), still refused', async t => {
	const pki = await issuePki();
	const ecKey = generateKeyPairSync('ec', {namedCurve: 'prime256v1'}).privateKey.export({type: 'pkcs8', format: 'pem'}).toString();
	const stranger = await issueStrangerClient('mtls-wizard throwaway CA', ecKey);
	const certificate = new X509Certificate(stranger.certificatePem);
	t.is(certificate.publicKey.asymmetricKeyType, 'ec');
	t.deepEqual(certificate.publicKey.export({type: 'spki', format: 'der'}), createPublicKey(ecKey).export({type: 'spki', format: 'der'}));
	t.true(certificate.verify(createPublicKey(createPrivateKey(stranger.privateKeyPem))), 'self-consistent: the throwaway CA key is the leaf key');
	t.false((await strictServerRefuses(pki, stranger.certificatePem, stranger.privateKeyPem)).gotReply);
});
