#!/usr/bin/env node
// Local stand-in for the Harness manager's mTLS endpoint (the real one is Harness SaaS).
// Flags or env: --cert / HARNESS_MANAGER_TLS_CERT, --key / HARNESS_MANAGER_TLS_KEY (server identity),
// --client-ca / HARNESS_MANAGER_CLIENT_CA (the account's uploaded ca.crt), --port / HARNESS_MANAGER_PORT (default 8443),
// --mode / HARNESS_MANAGER_MTLS_MODE: STRICT (default; handshake requires a verified client cert) or LOOSE
// (client cert verified if given). Binds 127.0.0.1. Logs each request on stdout, a registration with the client
// certificate's CN and SHA-256 fingerprint.
// Endpoints: GET /api/account/<id>/status, POST /api/agent/delegates/register?accountId=<id>,
// POST /api/agent/delegates/heartbeat?accountId=<id> (Authorization: Delegate <token>).
import {readFileSync} from 'node:fs';
import https from 'node:https';
import {goLoadKeyPair, goServerHandshakeError, parseFlags, readCertFile, rememberRemoteAddresses, rooted, listenHost} from './lib/common.mjs';

const flags = parseFlags(process.argv.slice(2));
const option = (name, envName, fallback = '') => flags.get(name) || process.env[envName] || fallback;
const certPath = option('cert', 'HARNESS_MANAGER_TLS_CERT');
const keyPath = option('key', 'HARNESS_MANAGER_TLS_KEY');
const clientCaPath = option('client-ca', 'HARNESS_MANAGER_CLIENT_CA');
const port = Number(option('port', 'HARNESS_MANAGER_PORT', '8443'));
const mode = option('mode', 'HARNESS_MANAGER_MTLS_MODE', 'STRICT').toUpperCase();

function log(level, message) {
	process.stdout.write(`${new Date().toISOString()} ${level.padEnd(5)} [manager] ${message}\n`);
}

function die(message) {
	log('ERROR', message);
	process.exit(1);
}

if (!certPath || !keyPath || !clientCaPath) {
	die('stand-in manager needs --cert, --key and --client-ca (or HARNESS_MANAGER_TLS_CERT, _TLS_KEY, HARNESS_MANAGER_CLIENT_CA)');
}

let pair;
let ca;
try {
	pair = goLoadKeyPair(readFileSync(rooted(certPath), 'utf8'), readFileSync(rooted(keyPath), 'utf8'));
	ca = readCertFile(clientCaPath);
} catch (error) {
	die(`cannot load TLS material: ${error.message}`);
}

function json(response, status, body) {
	response.writeHead(status, {'content-type': 'application/json'});
	response.end(JSON.stringify(body));
}

const delegates = new Map();
const server = https.createServer({...pair, ca, requestCert: true, rejectUnauthorized: mode === 'STRICT', minVersion: 'TLSv1.2'}, (request, response) => {
	const url = new URL(request.url, 'https://manager');
	const peer = request.socket.authorized ? request.socket.getPeerCertificate() : undefined;
	const subject = peer?.subject?.CN ?? '';
	// Which certificate a delegate presented, so a test can tell a renewed one from the one it replaced.
	const presented = peer ? `${subject} (SHA-256 ${peer.fingerprint256})` : 'none';
	const status = /^\/api\/account\/([^/]+)\/status$/.exec(url.pathname);
	if (request.method === 'GET' && status) {
		log('INFO', `account status for ${status[1]} (client certificate: ${subject || 'none'})`);
		json(response, 200, {metaData: {}, resource: 'ACTIVE', responseMessages: []});
		return;
	}

	const accountId = url.searchParams.get('accountId') ?? '';
	const token = /^Delegate (.+)$/.exec(request.headers.authorization ?? '')?.[1];
	if (url.pathname === '/api/agent/delegates/register' || url.pathname === '/api/agent/delegates/heartbeat') {
		if (!token) {
			json(response, 401, {code: 'INVALID_TOKEN', message: 'Unauthorized'});
			return;
		}

		const chunks = [];
		request.on('data', chunk => chunks.push(chunk));
		request.on('end', () => {
			let body = {};
			try {
				body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
			} catch {}

			if (url.pathname.endsWith('/register')) {
				const id = `stand-in-${delegates.size + 1}`;
				delegates.set(id, body.delegateName ?? '');
				log('INFO', `registered delegate ${body.delegateName ?? ''} (${id}) for account ${accountId} with client certificate ${presented}`);
				json(response, 200, {resource: {delegateId: id, status: 'ENABLED'}});
			} else {
				log('INFO', `heartbeat from delegate ${body.delegateId ?? ''} for account ${accountId}`);
				json(response, 200, {resource: {status: 'ENABLED'}});
			}
		});
		return;
	}

	json(response, 404, {code: 'RESOURCE_NOT_FOUND', message: 'Not found'});
});

const remoteOf = rememberRemoteAddresses(server);
server.on('tlsClientError', (error, tlsSocket) => {
	log('WARN', `TLS handshake error from ${remoteOf(tlsSocket)}: ${goServerHandshakeError(error, tlsSocket)}`);
});
server.on('secureConnection', tlsSocket => {
	// LOOSE: no certificate is fine, a bad one is not.
	if (!tlsSocket.authorized && tlsSocket.getPeerCertificate()?.raw) {
		log('WARN', `TLS handshake error from ${remoteOf(tlsSocket)}: ${goServerHandshakeError({}, tlsSocket)}`);
		tlsSocket.destroy();
	}
});
server.on('error', error => die(error.message));
server.listen(port, listenHost, () => {
	log('INFO', `stand-in Harness manager listening on https://127.0.0.1:${server.address().port} (mTLS mode ${mode})`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
