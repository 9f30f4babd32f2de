// Shared by the stand-ins: product-like logging, Go/Java TLS rules and error wording, rooted file access.
// Node builtins only: these files run inside a minimal container image and as plain processes.
import {X509Certificate, createPrivateKey} from 'node:crypto';
import {readFileSync, readdirSync, statSync} from 'node:fs';
import {isIP} from 'node:net';
import {join, resolve} from 'node:path';

/** Every absolute path a product reads lives under STAND_IN_ROOT (default '/'), so secret volumes can sit in a temp dir. */
/** Where servers listen: products bind every interface; as host processes the stand-ins stay on loopback. */
export const listenHost = process.env.STAND_IN_LISTEN_HOST || '127.0.0.1';

export function rooted(path) {
	const root = process.env.STAND_IN_ROOT || '/';
	return path.startsWith('/') ? join(root, path) : resolve(path);
}

/** Go's os error wording, with the path the product was given (not the rooted one). */
export function goFileError(error, shownPath, op = 'open') {
	const reason = {
		ENOENT: 'no such file or directory',
		EACCES: 'permission denied',
		EISDIR: 'is a directory',
		ENOTDIR: 'not a directory',
	}[error.code] ?? error.message;
	return `${op} ${shownPath}: ${reason}`;
}

/** `--name value` and `--name=value` flags, like Go's flag/kingpin parsers accept. */
export function parseFlags(argv) {
	const flags = new Map();
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--')) {
			continue;
		}

		const eq = arg.indexOf('=');
		if (eq > 0) {
			flags.set(arg.slice(2, eq), arg.slice(eq + 1));
		} else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
			flags.set(arg.slice(2), argv[++i]);
		} else {
			flags.set(arg.slice(2), 'true');
		}
	}

	return flags;
}

export function pemBlocks(text) {
	const blocks = [];
	const re = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
	for (const match of text.matchAll(re)) {
		blocks.push({type: match[1], pem: match[0], headers: /Proc-Type:/.test(match[0])});
	}

	return blocks;
}

/**
 * Go's tls.X509KeyPair rules (crypto/tls/tls.go): cert PEM must hold CERTIFICATE blocks; the first "* PRIVATE KEY"
 * block must parse as PKCS#1, PKCS#8 or SEC1 without a password; the key must match the leaf.
 * Returns {cert, key} as PEM strings or throws an Error carrying Go's message.
 */
export function goLoadKeyPair(certText, keyText) {
	const certBlocks = pemBlocks(certText);
	const certs = certBlocks.filter(block => block.type === 'CERTIFICATE');
	if (certs.length === 0) {
		if (certBlocks.length === 0) {
			throw new Error('tls: failed to find any PEM data in certificate input');
		}

		throw new Error(`tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: [${certBlocks.map(b => b.type).join(' ')}]`);
	}

	const keyBlocks = pemBlocks(keyText);
	const keyBlock = keyBlocks.find(block => block.type === 'PRIVATE KEY' || block.type.endsWith(' PRIVATE KEY'));
	if (!keyBlock) {
		if (keyBlocks.length === 0) {
			throw new Error('tls: failed to find any PEM data in key input');
		}

		if (keyBlocks.some(block => block.type === 'CERTIFICATE')) {
			throw new Error('tls: found a certificate rather than a key in the PEM for the private key');
		}

		throw new Error(`tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: [${keyBlocks.map(b => b.type).join(' ')}]`);
	}

	// Go has no password support here: encrypted PKCS#8 and legacy Proc-Type encryption both fail to parse.
	if (!['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY'].includes(keyBlock.type) || keyBlock.headers) {
		throw new Error('tls: failed to parse private key');
	}

	let key;
	try {
		key = createPrivateKey({key: keyBlock.pem, format: 'pem'});
	} catch {
		throw new Error('tls: failed to parse private key');
	}

	let leaf;
	try {
		leaf = new X509Certificate(certs[0].pem);
	} catch (error) {
		throw new Error(`x509: malformed certificate (${error.message})`);
	}

	if (!leaf.checkPrivateKey(key)) {
		throw new Error('tls: private key does not match public key');
	}

	return {cert: certs.map(block => block.pem).join('\n') + '\n', key: keyBlock.pem + '\n'};
}

/**
 * A CA pool from a comma list of files or directories (walked recursively); non-PEM content is ignored (Go's
 * AppendCertsFromPEM). Returns the certificate PEMs and the first error (a bad path), like extension-kit.
 */
export function loadCertPool(list) {
	const certs = [];
	let error;
	const add = path => {
		const full = rooted(path);
		let stat;
		try {
			stat = statSync(full);
		} catch (error_) {
			error ??= goFileError(error_, path, 'lstat');
			return;
		}

		if (stat.isDirectory()) {
			for (const entry of readdirSync(full).sort()) {
				add(join(path, entry));
			}

			return;
		}

		try {
			for (const block of pemBlocks(readFileSync(full, 'utf8'))) {
				if (block.type === 'CERTIFICATE') {
					certs.push(block.pem);
				}
			}
		} catch (error_) {
			error ??= goFileError(error_, path);
		}
	};

	for (const entry of list.split(',').map(s => s.trim()).filter(Boolean)) {
		add(entry);
	}

	return {certs, error};
}

export function readCertFile(path) {
	return pemBlocks(readFileSync(rooted(path), 'utf8')).filter(block => block.type === 'CERTIFICATE').map(block => block.pem);
}

const unknownAuthority = new Set([
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'UNABLE_TO_GET_ISSUER_CERT',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'CERT_SIGNATURE_FAILURE',
	'CERT_UNTRUSTED',
]);

/** Go's x509 verification message for an OpenSSL verify code (Go ≥ 1.20 wording, with the `tls:` wrapper). */
export function goVerifyError(code, peerCert) {
	let reason;
	if (unknownAuthority.has(code)) {
		reason = 'x509: certificate signed by unknown authority';
	} else if (code === 'INVALID_PURPOSE') {
		reason = 'x509: certificate specifies an incompatible key usage';
	} else if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
		const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
		const bound = peerCert ? new Date(code === 'CERT_HAS_EXPIRED' ? peerCert.valid_to : peerCert.valid_from).toISOString().replace(/\.\d+Z$/, 'Z') : '';
		reason = `x509: certificate has expired or is not yet valid: current time ${now} is ${code === 'CERT_HAS_EXPIRED' ? 'after' : 'before'} ${bound}`;
	} else {
		reason = `x509: ${code}`;
	}

	return `tls: failed to verify certificate: ${reason}`;
}

function sanList(cert) {
	const dns = [];
	const ips = [];
	for (const part of (cert.subjectaltname ?? '').split(', ')) {
		if (part.startsWith('DNS:')) {
			dns.push(part.slice(4));
		} else if (part.startsWith('IP Address:')) {
			ips.push(part.slice(11));
		}
	}

	return {dns, ips};
}

function dnsMatches(pattern, host) {
	const p = pattern.toLowerCase();
	const h = host.toLowerCase().replace(/\.$/, '');
	if (p.startsWith('*.')) {
		const dot = h.indexOf('.');
		return dot > 0 && h.slice(dot + 1) === p.slice(2);
	}

	return p === h;
}

/** Go's VerifyHostname: SANs only (no CN fallback). Returns Go's error text or undefined when the name matches. */
export function goHostnameError(host, cert) {
	const {dns, ips} = sanList(cert);
	if (isIP(host)) {
		if (ips.includes(host)) {
			return undefined;
		}

		return ips.length === 0
			? `x509: cannot validate certificate for ${host} because it doesn't contain any IP SANs`
			: `x509: certificate is valid for ${ips.join(', ')}, not ${host}`;
	}

	if (dns.some(pattern => dnsMatches(pattern, host))) {
		return undefined;
	}

	if (dns.length === 0) {
		const cn = cert.subject?.CN;
		return cn && /^[a-z0-9*.-]+$/i.test(cn)
			? 'x509: certificate relies on legacy Common Name field, use SANs instead'
			: `x509: certificate is not valid for any names, but wanted to match ${host}`;
	}

	return `x509: certificate is valid for ${dns.join(', ')}, not ${host}`;
}

/** Java's (JSSE) hostname error for the same mismatch. */
export function javaHostnameError(host, cert) {
	const {dns, ips} = sanList(cert);
	if (isIP(host)) {
		return ips.includes(host) ? undefined : `No subject alternative names matching IP address ${host} found`;
	}

	return dns.some(pattern => dnsMatches(pattern, host)) ? undefined : `No subject alternative DNS name matching ${host} found.`;
}

/** A checkServerIdentity result for JSSE-like clients: an Error carrying javaMessage, or undefined when the name matches. */
export function javaHostnameRefusal(host, cert) {
	const message = javaHostnameError(host, cert);
	return message ? Object.assign(new Error(message), {javaMessage: message}) : undefined;
}

/** The same for Go clients, wrapped the way crypto/tls reports it. */
export function goHostnameRefusal(host, cert) {
	const message = goHostnameError(host, cert);
	return message ? Object.assign(new Error(message), {goMessage: `tls: failed to verify certificate: ${message}`}) : undefined;
}

/**
 * Go's client-side wording for a Node TLS client error. `sentCert` tells whether we presented a client certificate:
 * our stand-in servers refuse a bad one by closing right after the handshake, where a Go server sends bad_certificate.
 */
export function goClientError(error, sentCert) {
	if (error.goMessage) {
		return error.goMessage;
	}

	if (error.code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED') {
		return 'remote error: tls: certificate required';
	}

	if (/ALERT_BAD_CERTIFICATE/.test(error.code ?? '')) {
		return 'remote error: tls: bad certificate';
	}

	if (/ALERT_UNKNOWN_CA/.test(error.code ?? '')) {
		return 'remote error: tls: unknown certificate authority';
	}

	if (error.code === 'ECONNREFUSED') {
		return `dial tcp ${error.address}:${error.port}: connect: connection refused`;
	}

	if (error.code === 'ETIMEDOUT' || error.code === 'ABORT_ERR') {
		return 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)';
	}

	if (error.closedAfterHandshake) {
		return sentCert ? 'remote error: tls: bad certificate' : 'EOF';
	}

	if (error.code === 'ECONNRESET' || error.code === 'EPIPE') {
		return 'EOF';
	}

	if (unknownAuthority.has(error.code) || error.code === 'INVALID_PURPOSE' || error.code === 'CERT_HAS_EXPIRED' || error.code === 'CERT_NOT_YET_VALID') {
		return goVerifyError(error.code);
	}

	return error.message;
}

/** JSSE wording for the same failures, as the Java agents (Steadybit agent, Harness delegate) would print them. */
export function javaClientError(error, sentCert) {
	if (error.javaMessage) {
		return `javax.net.ssl.SSLHandshakeException: ${error.javaMessage}`;
	}

	if (error.code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED') {
		return 'javax.net.ssl.SSLHandshakeException: Received fatal alert: certificate_required';
	}

	if (/ALERT_BAD_CERTIFICATE/.test(error.code ?? '') || ((error.code === 'ECONNRESET' || error.closedAfterHandshake) && sentCert)) {
		return 'javax.net.ssl.SSLHandshakeException: Received fatal alert: bad_certificate';
	}

	if (/ALERT_UNKNOWN_CA/.test(error.code ?? '')) {
		return 'javax.net.ssl.SSLHandshakeException: Received fatal alert: unknown_ca';
	}

	if (unknownAuthority.has(error.code)) {
		return 'javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target';
	}

	if (error.code === 'CERT_HAS_EXPIRED') {
		return 'javax.net.ssl.SSLHandshakeException: PKIX path validation failed: java.security.cert.CertPathValidatorException: validity check failed';
	}

	if (error.code === 'ECONNREFUSED') {
		return `java.net.ConnectException: Connection refused: /${error.address}:${error.port}`;
	}

	// The JVM names a name it cannot resolve by class and host, e.g. an alias that exists only on another network.
	if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') {
		return `java.net.UnknownHostException: ${error.hostname}`;
	}

	return `javax.net.ssl.SSLException: ${error.message}`;
}

// ---- logging ----

const levels = {trace: -1, debug: 0, info: 1, warn: 2, error: 3, fatal: 4};
const short = {trace: 'TRC', debug: 'DBG', info: 'INF', warn: 'WRN', error: 'ERR', fatal: 'FTL'};

function quoteValue(value) {
	const text = String(value);
	return /[\s"=]/.test(text) || text === '' ? JSON.stringify(text) : text;
}

/** zerolog ConsoleWriter without colour (stderr is not a TTY in containers), RFC3339 time; or zerolog JSON. */
export function zerologLogger({stream = process.stderr, level = 'info', json = false} = {}) {
	const min = levels[String(level).toLowerCase()] ?? levels.info;
	return (lvl, message, fields = {}) => {
		if (levels[lvl] < min) {
			return;
		}

		const time = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
		if (json) {
			stream.write(JSON.stringify({level: lvl, ...fields, time, message}) + '\n');
			return;
		}

		const extra = Object.entries(fields).map(([key, value]) => ` ${key}=${quoteValue(value)}`).join('');
		stream.write(`${time} ${short[lvl]} ${message}${extra}\n`);
	};
}

const colour = {
	trace: '\u001B[35m', debug: '\u001B[33m', info: '\u001B[32m', warn: '\u001B[31m', error: '\u001B[1m\u001B[31m', fatal: '\u001B[31m',
};

function portainerTime() {
	const now = new Date();
	const pad = n => String(n).padStart(2, '0');
	const hours = now.getUTCHours() % 12 || 12;
	return `${now.getUTCFullYear()}/${pad(now.getUTCMonth() + 1)}/${pad(now.getUTCDate())} ${pad(hours)}:${pad(now.getUTCMinutes())}${now.getUTCHours() < 12 ? 'AM' : 'PM'}`;
}

/**
 * Portainer's zerolog setup: PRETTY (ConsoleWriter with ANSI colours and no TTY check, time `2006/01/02 03:04PM`,
 * message suffixed with ` |`), NOCOLOR (same without escapes) or JSON.
 */
export function portainerLogger({mode = 'PRETTY', level = 'INFO', stream = process.stderr} = {}) {
	const min = levels[String(level).toLowerCase()] ?? levels.info;
	const upperMode = String(mode).toUpperCase();
	return (lvl, caller, message, fields = {}) => {
		if (levels[lvl] < min) {
			return;
		}

		if (upperMode === 'JSON') {
			stream.write(JSON.stringify({level: lvl, ...fields, time: Math.floor(Date.now() / 1000), caller, message}) + '\n');
			return;
		}

		const paint = upperMode === 'PRETTY' ? (code, text) => `${code}${text}\u001B[0m` : (_code, text) => text;
		const extra = Object.entries(fields)
			.map(([key, value]) => ' ' + (key === 'error'
				? paint('\u001B[36m', 'error=') + paint('\u001B[31m', quoteValue(value))
				: paint('\u001B[36m', `${key}=`) + quoteValue(value)))
			.join('');
		stream.write(`${paint('\u001B[90m', portainerTime())} ${paint(colour[lvl], short[lvl])} ${paint('\u001B[1m', caller)}${paint('\u001B[36m', ' >')} ${message} |${extra}\n`);
	};
}

/** Spring Boot's default console pattern (the Steadybit agent is a Spring application), on stdout. */
export function springLogger(loggerName) {
	const name = loggerName.length > 40 ? loggerName.slice(0, 40) : loggerName.padEnd(40);
	return (lvl, message) => {
		const label = {debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR'}[lvl];
		process.stdout.write(`${new Date().toISOString()} ${label.padStart(5)} ${process.pid} --- [           main] ${name} : ${message}\n`);
	};
}

/** Logback pattern of the Harness delegate (format UNVERIFIED; message texts are the product's). */
export function logbackLogger(loggerName) {
	return (lvl, message) => {
		const time = new Date().toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
		process.stdout.write(`${time} ${lvl.toUpperCase().padEnd(5)} [main] ${loggerName} - ${message}\n`);
	};
}

/** A remote address as Go prints it (`127.0.0.1:54321`), remembered on the raw socket before the TLS layer drops it. */
export function rememberRemoteAddresses(server) {
	server.on('connection', raw => {
		raw.standInRemote = `${raw.remoteAddress}:${raw.remotePort}`;
	});
	return tlsSocket => tlsSocket?._parent?.standInRemote ?? tlsSocket?.standInRemote ?? 'unknown';
}

/** Go's server-side handshake error text for a failed client, from Node's tlsClientError arguments. */
export function goServerHandshakeError(error, tlsSocket) {
	if (error.code === 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE') {
		return 'tls: client didn\'t provide a certificate';
	}

	if (tlsSocket?.authorizationError) {
		return goVerifyError(tlsSocket.authorizationError);
	}

	if (error.code === 'ECONNRESET') {
		return 'EOF';
	}

	if (/ALERT_(BAD_CERTIFICATE|CERTIFICATE_UNKNOWN)/.test(error.code ?? '')) {
		return 'remote error: tls: unknown certificate';
	}

	if (/ALERT_UNKNOWN_CA/.test(error.code ?? '')) {
		return 'remote error: tls: unknown certificate authority';
	}

	return error.message.split('\n')[0];
}

/**
 * How long a stand-in client's connection may wait with nothing from the server (connecting, in the TLS handshake,
 * for the response) before it logs a timeout. The stand-ins' own limit, not a product's (platforms.md names no
 * client timeout): generous, because a timeout line ('context deadline exceeded' and the like) is what tests and
 * the recipes' log checks read as a failed connection, and on a loaded 2-core machine a handshake and answer
 * between two Node processes can take seconds.
 */
const answerPatienceMs = 60_000;

/**
 * One HTTPS (or HTTP) request with explicit TLS options. `checkHost(host, cert)` returns an Error to refuse the
 * server's name (with goMessage/javaMessage set) or undefined. Resolves {status, body}; rejects with Node's error.
 */
export async function request(url, {method = 'GET', headers = {}, body, tlsOptions = {}, checkHost, timeoutMs = answerPatienceMs} = {}) {
	const {default: https} = await import('node:https');
	const {default: http} = await import('node:http');
	const target = new URL(url);
	const client = target.protocol === 'https:' ? https : http;
	return new Promise((resolve_, reject) => {
		const req = client.request(target, {
			method,
			headers: body === undefined ? headers : {'content-type': 'application/json', ...headers},
			agent: false,
			timeout: timeoutMs,
			...(target.protocol === 'https:' ? {...tlsOptions, checkServerIdentity: (host, cert) => checkHost?.(host, cert)} : {}),
		}, response => {
			const chunks = [];
			response.on('data', chunk => chunks.push(chunk));
			response.on('end', () => resolve_({status: response.statusCode, body: Buffer.concat(chunks).toString('utf8')}));
			response.on('error', reject);
		});
		req.on('timeout', () => {
			const error = new Error('timeout');
			error.code = 'ETIMEDOUT';
			req.destroy(error);
		});
		// A reset after the TLS handshake is the server turning the client away; one before it is a peer that is not
		// there yet (a userland proxy with nothing behind it), which Go reports as EOF.
		let handshaken = false;
		req.on('socket', socket => {
			socket.once('secureConnect', () => {
				handshaken = true;
			});
		});
		req.on('error', error => {
			if (handshaken && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) error.closedAfterHandshake = true;
			reject(error);
		});
		req.end(body === undefined ? undefined : JSON.stringify(body));
	});
}
