#!/usr/bin/env node
// Stand-in for the Portainer (EE) server at its edge mTLS boundary.
// Flags (`--x v` or `--x=v`): --mtlscacert, --mtlscert, --mtlskey, --sslcert, --sslkey, --bind-https (default :9443;
// the stand-in always binds 127.0.0.1), --log-mode PRETTY|NOCOLOR|JSON (default PRETTY, with ANSI colours),
// --log-level. Env LOG_MODE / LOG_LEVEL are honoured too.
// TLS: client certificates are verified if given (a bad one fails the handshake); the edge poll endpoint
// GET /api/endpoints/<id>/edge/status additionally requires a verified client certificate when mTLS is configured.
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

	const edge = /^\/api\/endpoints\/(\d+)\/edge\/status$/.exec(url.pathname);
	if (edge) {
		if (mtls && !request.socket.authorized) {
			json(response, 403, {message: 'Permission denied to access environment', details: 'a valid mTLS client certificate is required'});
			return;
		}

		log('debug', 'api/http/handler/endpointedge/endpoint_edgestatus_inspect.go:104', 'edge status request', {endpoint_id: edge[1], edge_id: request.headers['x-portaineragent-edgeid'] ?? ''});
		json(response, 200, {status: 'IDLE', port: 0, schedules: [], checkin: 5, credentials: '', stacks: []});
		return;
	}

	json(response, 404, {message: 'Not found', details: 'Not found'});
});

const remoteOf = rememberRemoteAddresses(server);
// VerifyClientCertIfGiven: a presented but untrusted certificate fails the handshake.
server.on('secureConnection', tlsSocket => {
	if (mtls && !tlsSocket.authorized && tlsSocket.getPeerCertificate()?.raw) {
		process.stderr.write(`${new Date().toISOString().slice(0, 19).replace('T', ' ').replaceAll('-', '/')} http: TLS handshake error from ${remoteOf(tlsSocket)}: ${goServerHandshakeError({}, tlsSocket)}\n`);
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
