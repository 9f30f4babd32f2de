#!/usr/bin/env node
// Stand-in for the Steadybit agent (Java/Spring, closed source) as the TLS client of extensions.
// Env: STEADYBIT_AGENT_EXTENSIONS_CLIENT_CERT_CHAIN_FILE, _CLIENT_CERT_KEY_FILE, _CLIENT_CERT_PASSWORD (PKCS#8, may be
// encrypted), STEADYBIT_AGENT_EXTENSIONS_SERVER_CERT (file), STEADYBIT_AGENT_EXTRA_CERTS_PATH (dir; default
// /opt/steadybit/agent/etc/extra-certs when it exists), STEADYBIT_AGENT_EXTENSIONS_REGISTRATIONS_<n>_URL,
// STEADYBIT_AGENT_EXTENSIONS_HOSTNAME_VERIFICATION (strict | unsafe_ip_addresses (default) | unsafe),
// STEADYBIT_AGENT_EXTENSIONS_INSECURE_SKIP_VERIFY. Stand-in only: STAND_IN_INTERVAL_MS (default 2000) between calls.
// Only the mutual-TLS configuration line is the product's documented text; the call result lines are the stand-in's.
import {createPrivateKey} from 'node:crypto';
import {existsSync, readFileSync} from 'node:fs';
import {isIP} from 'node:net';
import {rootCertificates} from 'node:tls';
import {javaClientError, javaHostnameRefusal, loadCertPool, pemBlocks, readCertFile, request, rooted, springLogger} from './lib/common.mjs';

const env = process.env;
const clientLog = springLogger('c.s.k.c.service.ExtensionHttpClient');
const registryLog = springLogger('c.s.a.e.registry.ExtensionRegistry');
const prefix = 'STEADYBIT_AGENT_EXTENSIONS_';
const chainFile = env[`${prefix}CLIENT_CERT_CHAIN_FILE`] || '';
const keyFile = env[`${prefix}CLIENT_CERT_KEY_FILE`] || '';
const password = env[`${prefix}CLIENT_CERT_PASSWORD`] || undefined;
const verification = (env[`${prefix}HOSTNAME_VERIFICATION`] || 'unsafe_ip_addresses').toLowerCase();
const insecure = (env[`${prefix}INSECURE_SKIP_VERIFY`] || '').toLowerCase() === 'true';
const interval = Number(env.STAND_IN_INTERVAL_MS || 2000);

const urls = Object.keys(env)
	.map(name => /^STEADYBIT_AGENT_EXTENSIONS_REGISTRATIONS_(\d+)_URL$/.exec(name))
	.filter(Boolean)
	.sort((a, b) => Number(a[1]) - Number(b[1]))
	.map(match => env[match[0]]);

function die(message) {
	clientLog('error', message);
	process.exit(1);
}

function trustedCas() {
	const extra = [];
	if (env[`${prefix}SERVER_CERT`]) {
		try {
			extra.push(...readCertFile(env[`${prefix}SERVER_CERT`]));
		} catch (error) {
			die(`Failed to load extension server certificate: java.nio.file.NoSuchFileException: ${env[`${prefix}SERVER_CERT`]} (${error.code})`);
		}
	}

	const extraDir = env.STEADYBIT_AGENT_EXTRA_CERTS_PATH || (existsSync(rooted('/opt/steadybit/agent/etc/extra-certs')) ? '/opt/steadybit/agent/etc/extra-certs' : '');
	if (extraDir) {
		const pool = loadCertPool(extraDir);
		if (pool.error) {
			registryLog('warn', `Could not load extra certificates from ${extraDir}: ${pool.error}`);
		}

		extra.push(...pool.certs);
	}

	// The JVM keeps its default truststore and adds these.
	return [...rootCertificates, ...extra];
}

function clientIdentity() {
	if (!chainFile && !keyFile) {
		return {};
	}

	if (!chainFile || !keyFile) {
		die(`Failed to configure extension http client: both ${prefix}CLIENT_CERT_CHAIN_FILE and ${prefix}CLIENT_CERT_KEY_FILE are required for mutual TLS`);
	}

	let chainText;
	let keyText;
	try {
		chainText = readFileSync(rooted(chainFile), 'utf8');
		keyText = readFileSync(rooted(keyFile), 'utf8');
	} catch (error) {
		// java.nio names the cause by class: a file the agent's user may not read is AccessDeniedException.
		const exception = error.code === 'EACCES' ? 'AccessDeniedException' : 'NoSuchFileException';
		die(`Failed to configure extension http client: java.nio.file.${exception}: ${error.path?.endsWith(keyFile) ? keyFile : chainFile}`);
	}

	// The agent documents PKCS#8 ("PRIVATE KEY", or "ENCRYPTED PRIVATE KEY" with the password). Other formats are
	// UNVERIFIED upstream; the stand-in refuses them so the wizard keeps producing PKCS#8.
	const keyBlock = pemBlocks(keyText).find(block => block.type.endsWith('PRIVATE KEY'));
	if (!keyBlock || (keyBlock.type !== 'PRIVATE KEY' && keyBlock.type !== 'ENCRYPTED PRIVATE KEY')) {
		die(`Failed to configure extension http client: java.security.spec.InvalidKeySpecException: expected a PKCS#8 private key in ${keyFile}`);
	}

	try {
		createPrivateKey({key: keyBlock.pem, format: 'pem', passphrase: password ?? ''});
	} catch {
		die(`Failed to configure extension http client: java.security.spec.InvalidKeySpecException: cannot decrypt or parse the private key in ${keyFile}${password ? '' : ' (no password set)'}`);
	}

	const chain = pemBlocks(chainText).filter(block => block.type === 'CERTIFICATE');
	if (chain.length === 0) {
		die(`Failed to configure extension http client: java.security.cert.CertificateException: no certificate found in ${chainFile}`);
	}

	clientLog('info', `Configuring extension http client using mutual TLS (keyFile=${keyFile}, chainFile=${chainFile})`);
	return {cert: chain.map(block => block.pem).join('\n'), key: keyBlock.pem, passphrase: password};
}

function checkHost(host, cert) {
	if (verification === 'unsafe' || (verification !== 'strict' && isIP(host))) {
		return undefined;
	}

	return javaHostnameRefusal(host, cert);
}

const identity = clientIdentity();
const ca = trustedCas();
const sentCert = Boolean(identity.cert);

if (urls.length === 0) {
	registryLog('warn', 'No extensions registered (STEADYBIT_AGENT_EXTENSIONS_REGISTRATIONS_<n>_URL)');
}

async function callAll() {
	for (const url of urls) {
		try {
			const response = await request(url, {tlsOptions: {...identity, ca, rejectUnauthorized: !insecure}, checkHost});
			if (response.status === 200) {
				registryLog('info', `Extension ${url} responded with HTTP 200: ${response.body.slice(0, 200)}`);
			} else {
				registryLog('warn', `Failed to call extension ${url}: HTTP ${response.status}`);
			}
		} catch (error) {
			registryLog('error', `Failed to call extension ${url}: ${javaClientError(error, sentCert)}`);
		}
	}
}

await callAll();
setInterval(callAll, interval);
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
