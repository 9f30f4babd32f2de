#!/usr/bin/env node
// Stand-in for the Harness delegate (immutable image) as the mTLS client of the manager.
// Env: DELEGATE_CLIENT_CERTIFICATE_PATH, DELEGATE_CLIENT_CERTIFICATE_KEY_PATH, MANAGER_HOST_AND_PORT, ACCOUNT_ID,
// DELEGATE_NAME, DELEGATE_TOKEN (also LOG_STREAMING_SERVICE_URL, DELEGATE_TYPE, NEXT_GEN: accepted, unused).
// Key rules are X509KeyManagerBuilder's (unencrypted PKCS#8 RSA, exactly one key, exact header and footer).
// Trust: the real manager has a public CA; the stand-in trusts Node's roots plus STAND_IN_EXTRA_CA (a host path,
// not rooted under STAND_IN_ROOT), and NODE_EXTRA_CA_CERTS works as usual for Node.
// Stand-in only: STAND_IN_HEARTBEAT_MS (default 2000). Log lines other than the product's texts are the stand-in's.
import {X509Certificate, createPrivateKey} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {rootCertificates} from 'node:tls';
import {javaClientError, javaHostnameRefusal, logbackLogger, pemBlocks, request, rooted} from './lib/common.mjs';

const env = process.env;
const moduleLog = logbackLogger('io.harness.delegate.app.modules.DelegateAgentModule');
const keyLog = logbackLogger('io.harness.security.X509KeyManagerBuilder');
const agentLog = logbackLogger('io.harness.delegate.service.DelegateAgentServiceImpl');
const certPath = env.DELEGATE_CLIENT_CERTIFICATE_PATH || '';
const keyPath = env.DELEGATE_CLIENT_CERTIFICATE_KEY_PATH || '';
const manager = (env.MANAGER_HOST_AND_PORT || '').replace(/\/$/, '');
const accountId = env.ACCOUNT_ID || '';
const interval = Number(env.STAND_IN_HEARTBEAT_MS || 2000);

function die(logger, message) {
	logger('error', message);
	process.exit(1);
}

function readFile(path) {
	try {
		return readFileSync(rooted(path), 'utf8');
	} catch (error) {
		die(keyLog, `Failed to read file '${path}': java.nio.file.NoSuchFileException: ${path}${error.code === 'ENOENT' ? '' : ` (${error.code})`}`);
	}
}

const header = '-----BEGIN PRIVATE KEY-----';
const footer = '-----END PRIVATE KEY-----';

function loadKey(path) {
	const text = readFile(path).trim();
	const single = text.split('-----BEGIN ').length === 2 && text.split('-----END ').length === 2;
	if (!text.startsWith(header) || !text.endsWith(footer) || !single) {
		die(keyLog, 'Invalid format for key (expected PEM format with DER encoded key in PKCS8 format) - Only one key per file is allowed and it has to start with -----BEGIN PRIVATE KEY----- and end with -----END PRIVATE KEY-----.');
	}

	let key;
	try {
		key = createPrivateKey({key: text, format: 'pem'});
	} catch (error) {
		die(keyLog, `Failed to generate key (expected DER encoded key in PKCS8 format): java.security.spec.InvalidKeySpecException: ${error.message}`);
	}

	// KeyFactory.getInstance("RSA"): EC and Ed25519 PKCS#8 keys fail here.
	if (key.asymmetricKeyType !== 'rsa') {
		die(keyLog, 'Failed to generate key (expected DER encoded key in PKCS8 format): java.security.spec.InvalidKeySpecException: java.security.InvalidKeyException: IOException : algid parse error, not a sequence');
	}

	return {key, pem: text};
}

function loadCertificates(path) {
	const blocks = pemBlocks(readFile(path)).filter(block => block.type === 'CERTIFICATE');
	if (blocks.length === 0) {
		die(keyLog, `Failed to load certificate(s) from '${path}': java.security.cert.CertificateException: Could not parse certificate: java.io.IOException: Empty input`);
	}

	try {
		return blocks.map(block => ({pem: block.pem, x509: new X509Certificate(block.pem)}));
	} catch (error) {
		die(keyLog, `Failed to load certificate(s) from '${path}': java.security.cert.CertificateException: ${error.message}`);
	}
}

let identity = {};
if (certPath && keyPath) {
	const {key, pem} = loadKey(keyPath);
	const certs = loadCertificates(certPath);
	if (!certs[0].x509.checkPrivateKey(key)) {
		die(keyLog, 'Failed to generate keystore from certificate: java.security.KeyStoreException: Certificate chain is not valid for the private key');
	}

	identity = {key: pem + '\n', cert: certs.map(cert => cert.pem).join('\n') + '\n'};
	moduleLog('info', 'Delegate is running with mTLS enabled.');
}

if (!manager) {
	die(agentLog, 'MANAGER_HOST_AND_PORT is not set');
}

const ca = [...rootCertificates];
if (env.STAND_IN_EXTRA_CA) {
	ca.push(...pemBlocks(readFileSync(env.STAND_IN_EXTRA_CA, 'utf8')).filter(block => block.type === 'CERTIFICATE').map(block => block.pem));
}

const sentCert = Boolean(identity.cert);
async function call(path, body) {
	return request(`${manager}${path}`, {
		method: 'POST',
		headers: {authorization: `Delegate ${env.DELEGATE_TOKEN || ''}`},
		body,
		tlsOptions: {...identity, ca},
		checkHost: javaHostnameRefusal,
	});
}

let delegateId;
async function tick() {
	try {
		if (delegateId) {
			const response = await call(`/api/agent/delegates/heartbeat?accountId=${encodeURIComponent(accountId)}`, {delegateId, delegateName: env.DELEGATE_NAME});
			if (response.status === 200) {
				agentLog('info', `Sent heartbeat to manager for delegate ${delegateId}`);
			} else {
				agentLog('error', `Heartbeat failed: ${response.status === 401 ? 'Unauthorized' : `HTTP ${response.status}`} (HTTP ${response.status})`);
			}

			return;
		}

		const response = await call(`/api/agent/delegates/register?accountId=${encodeURIComponent(accountId)}`, {delegateName: env.DELEGATE_NAME, accountId});
		if (response.status === 200) {
			delegateId = JSON.parse(response.body).resource.delegateId;
			agentLog('info', `Delegate registered with id ${delegateId}`);
		} else {
			agentLog('error', `Failed to register delegate: ${response.status === 401 ? 'Unauthorized' : `HTTP ${response.status}`} (HTTP ${response.status})`);
		}
	} catch (error) {
		agentLog('error', `Failed to ${delegateId ? 'send heartbeat' : 'register delegate'}: ${javaClientError(error, sentCert)}`);
	}
}

await tick();
setInterval(tick, interval);
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
