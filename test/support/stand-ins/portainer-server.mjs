#!/usr/bin/env node
// Stand-in for the Portainer (EE) server at its edge mTLS boundary.
// Flags (`--x v` or `--x=v`): --mtlscacert, --mtlscert, --mtlskey, --sslcert, --sslkey, --bind-https (default :9443;
// the stand-in always binds 127.0.0.1), --log-mode PRETTY|NOCOLOR|JSON (default PRETTY, with ANSI colours),
// --log-level. Env LOG_MODE / LOG_LEVEL are honoured too.
// TLS: client certificates are verified if given (a bad one fails the handshake); the edge poll endpoint
// GET /api/endpoints/<id>/edge/status additionally requires a verified client certificate when mTLS is configured.
// An Edge environment is bound to the first EDGE_ID that polls it; another EDGE_ID is refused with 403
// (a request without one, which only the tests' judges send, is answered and binds nothing)
// (api/http/handler/endpointedge/endpointedge_status_inspect.go parseHeaders, api/http/security/bouncer.go:184).
// POST /api/endpoints/global-key (the Auto onboarding key, endpoint ID 0 in the Edge key) gives each new EDGE_ID an
// environment of its own, as Business Edition's auto onboarding with the waiting room off does (EE closed: its
// handler is UNVERIFIED; CE's only finds existing ones).
// Stand-in lines for tests (INFO, not the product's): `stand-in: edge poll over mutual TLS | client_cn= edge_id=
// endpoint_id=` on each environment's first accepted poll with a certificate, and `stand-in: client certificate
// refused | client_cn= error=` when a presented certificate fails verification.
import {readFileSync} from 'node:fs';
import https from 'node:https';
import {goFileError, goLoadKeyPair, goServerHandshakeError, parseFlags, readCertFile, rememberRemoteAddresses, rooted, portainerLogger, listenHost} from './lib/common.mjs';

const version = '2.39.4';
const flags = parseFlags(process.argv.slice(2));
const flag = name => flags.get(name) ?? '';
const log = portainerLogger({mode: flag('log-mode') || process.env.LOG_MODE || 'PRETTY', level: flag('log-level') || process.env.LOG_LEVEL || 'INFO'});

function fatal(caller, message, error) {
	log('fatal', caller, message, error ? {error} : {});
	process.exit(1);
}

function keyPair(certPath, keyPath) {
	let certText;
	let keyText;
	try {
		certText = readFileSync(rooted(certPath), 'utf8');
	} catch (error) {
		fatal('api/cmd/portainer/main.go:318', 'failed to load the TLS certificate', goFileError(error, certPath));
	}

	try {
		keyText = readFileSync(rooted(keyPath), 'utf8');
	} catch (error) {
		fatal('api/cmd/portainer/main.go:318', 'failed to load the TLS certificate', goFileError(error, keyPath));
	}

	try {
		return goLoadKeyPair(certText, keyText);
	} catch (error) {
		fatal('api/cmd/portainer/main.go:318', 'failed to load the TLS certificate', error.message);
	}
}

const mtls = Boolean(flag('mtlscacert') || flag('mtlscert') || flag('mtlskey'));
if (mtls && !(flag('mtlscacert') && flag('mtlscert') && flag('mtlskey'))) {
	fatal('api/cmd/portainer/main.go:612', 'all of --mtlscacert, --mtlscert and --mtlskey are required for mTLS');
}

let pair;
if (mtls) {
	pair = keyPair(flag('mtlscert'), flag('mtlskey'));
} else if (flag('sslcert') && flag('sslkey')) {
	pair = keyPair(flag('sslcert'), flag('sslkey'));
} else {
	// The real server generates a self-signed certificate here; the stand-in cannot mint one without dependencies.
	fatal('api/cmd/portainer/main.go:318', 'stand-in needs --sslcert/--sslkey or the --mtls* flags');
}

let ca;
if (mtls) {
	try {
		ca = readCertFile(flag('mtlscacert'));
	} catch (error) {
		fatal('api/cmd/portainer/main.go:612', 'failed to read the mTLS CA certificate', goFileError(error, flag('mtlscacert')));
	}
}

const bind = flag('bind-https') || ':9443';
const port = Number(bind.slice(bind.lastIndexOf(':') + 1));

/** Environment ID → the EDGE_ID it is bound to; EDGE_ID → the environment auto onboarding gave it. */
const boundEdgeIds = new Map();
const onboarded = new Map();
const loggedPolls = new Set();

function json(response, status, body) {
	response.writeHead(status, {'content-type': 'application/json'});
	response.end(JSON.stringify(body));
}

const server = https.createServer({...pair, ...(mtls ? {ca, requestCert: true, rejectUnauthorized: false} : {}), minVersion: 'TLSv1.2'}, (request, response) => {
	const url = new URL(request.url, 'https://portainer');
	if (url.pathname === '/api/system/status') {
		json(response, 200, {Version: version, InstanceID: 'stand-in'});
		return;
	}

	const edgeId = request.headers['x-portaineragent-edgeid'] ?? '';
	if (url.pathname === '/api/endpoints/global-key' && request.method === 'POST') {
		if (mtls && !request.socket.authorized) {
			json(response, 403, {message: 'Permission denied to access environment', details: 'a valid mTLS client certificate is required'});
			return;
		}

		if (!edgeId) {
			json(response, 400, {message: 'Invalid Edge ID', details: 'The Edge ID cannot be empty'});
			return;
		}

		if (!onboarded.has(edgeId)) onboarded.set(edgeId, 100 + onboarded.size);
		json(response, 200, {endpointID: onboarded.get(edgeId)});
		return;
	}

	const edge = /^\/api\/endpoints\/(\d+)\/edge\/status$/.exec(url.pathname);
	if (edge) {
		if (mtls && !request.socket.authorized) {
			json(response, 403, {message: 'Permission denied to access environment', details: 'a valid mTLS client certificate is required'});
			return;
		}

		// Requests without an EDGE_ID (the tests' own judges, not agents) are answered without binding anything.
		const bound = boundEdgeIds.get(edge[1]) || edgeId;
		if (edgeId && bound !== edgeId) {
			json(response, 403, {message: 'Permission denied to access environment. The device has not been trusted yet', details: `Unauthorized Edge endpoint operation: invalid Edge identifier. Environment name: ${edge[1]}`});
			return;
		}

		if (edgeId) boundEdgeIds.set(edge[1], edgeId);
		log('debug', 'api/http/handler/endpointedge/endpoint_edgestatus_inspect.go:104', 'edge status request', {endpoint_id: edge[1], edge_id: edgeId});
		const clientCn = request.socket.getPeerCertificate()?.subject?.CN;
		if (clientCn && !loggedPolls.has(`${edge[1]} ${clientCn}`)) {
			loggedPolls.add(`${edge[1]} ${clientCn}`);
			log('info', 'stand-in', 'stand-in: edge poll over mutual TLS', {client_cn: clientCn, edge_id: edgeId, endpoint_id: edge[1]});
		}

		json(response, 200, {status: 'IDLE', port: 0, schedules: [], checkin: 5, credentials: '', stacks: []});
		return;
	}

	json(response, 404, {message: 'Not found', details: 'Not found'});
});

const remoteOf = rememberRemoteAddresses(server);
// VerifyClientCertIfGiven: a presented but untrusted certificate fails the handshake.
server.on('secureConnection', tlsSocket => {
	const peer = tlsSocket.getPeerCertificate();
	if (mtls && !tlsSocket.authorized && peer?.raw) {
		process.stderr.write(`${new Date().toISOString().slice(0, 19).replace('T', ' ').replaceAll('-', '/')} http: TLS handshake error from ${remoteOf(tlsSocket)}: ${goServerHandshakeError({}, tlsSocket)}\n`);
		log('info', 'stand-in', 'stand-in: client certificate refused', {client_cn: peer.subject?.CN ?? '', error: tlsSocket.authorizationError ?? 'unverified'});
		tlsSocket.destroy();
	}
});
server.on('error', error => {
	fatal('api/http/server.go:365', 'failed starting HTTPS server', error.code === 'EADDRINUSE' ? `listen tcp ${bind}: bind: address already in use` : error.message);
});

log('info', 'api/cmd/portainer/main.go:839', 'starting Portainer', {version, build_number: 'stand-in', go_version: 'go1.22.7'});
log('info', 'api/http/server.go:365', 'starting HTTPS server', {bind_address: bind});
server.listen(port, listenHost);
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
