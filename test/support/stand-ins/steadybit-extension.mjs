#!/usr/bin/env node
// Stand-in for a Steadybit extension (extension-kit exthttp/listener.go) at its TLS boundary.
// Env: STEADYBIT_EXTENSION_TLS_SERVER_CERT, _TLS_SERVER_KEY, _TLS_CLIENT_CAS (comma list of files/dirs), _PORT (default
// 8085), _UNIX_SOCKET, _HEALTH_PORT (probes server, only when set), STEADYBIT_LOG_LEVEL, STEADYBIT_LOG_FORMAT (text|json).
// Logs to stderr like zerolog's ConsoleWriter. Binds STAND_IN_LISTEN_HOST (127.0.0.1 unless set; images set 0.0.0.0).
import {readFileSync, statSync} from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import {goFileError, goLoadKeyPair, goServerHandshakeError, loadCertPool, rememberRemoteAddresses, rooted, zerologLogger, listenHost} from './lib/common.mjs';

const env = process.env;
const log = zerologLogger({level: env.STEADYBIT_LOG_LEVEL || 'info', json: (env.STEADYBIT_LOG_FORMAT || '').toLowerCase() === 'json'});
const certPath = env.STEADYBIT_EXTENSION_TLS_SERVER_CERT || '';
const keyPath = env.STEADYBIT_EXTENSION_TLS_SERVER_KEY || '';
const clientCas = env.STEADYBIT_EXTENSION_TLS_CLIENT_CAS || '';
const port = Number(env.STEADYBIT_EXTENSION_PORT || 8085);
const unixSocket = env.STEADYBIT_EXTENSION_UNIX_SOCKET || '';
// The extension-kit version the image was built with (stand-in only; default: a current one). Before v1.10.0
// (commit 01bc4da) a client CA that fails to load stops the extension (platforms.md 1.3).
const kitVersion = (env.STAND_IN_EXTENSION_KIT_VERSION || '1.10.0').split('.').map(Number);
const caLoadIsFatal = kitVersion[0] < 1 || (kitVersion[0] === 1 && kitVersion[1] < 10);

function fatal(error) {
	log('fatal', 'Failed to start extension server', {error});
	process.exit(1);
}

function handler(request, response) {
	const body = request.url === '/'
		? {actions: [{method: 'GET', path: '/stand-in/actions/noop'}], discoveries: [], targetTypes: [], targetAttributes: []}
		: {title: 'Not found', status: 404};
	response.writeHead(request.url === '/' ? 200 : 404, {'content-type': 'application/json'});
	response.end(JSON.stringify(body));
}

function startHealth() {
	if (!env.STEADYBIT_EXTENSION_HEALTH_PORT) {
		return;
	}

	const healthPort = Number(env.STEADYBIT_EXTENSION_HEALTH_PORT);
	log('info', `Starting probes server on port ${healthPort}, ready: true`);
	http.createServer((_request, response) => {
		response.end('ok');
	}).listen(healthPort, listenHost);
}

function loadKeyPair() {
	let certText;
	let keyText;
	try {
		certText = readFileSync(rooted(certPath), 'utf8');
	} catch (error) {
		throw new Error(goFileError(error, certPath));
	}

	try {
		keyText = readFileSync(rooted(keyPath), 'utf8');
	} catch (error) {
		throw new Error(goFileError(error, keyPath));
	}

	return goLoadKeyPair(certText, keyText);
}

function listenOrDie(server, ...args) {
	server.on('error', error => {
		fatal(error.code === 'EADDRINUSE' ? `listen tcp :${port}: bind: address already in use` : error.message);
	});
	server.listen(...args);
}

startHealth();

if (unixSocket) {
	log('info', `Starting extension http server on unix domain socket (${unixSocket})`);
	listenOrDie(http.createServer(handler), rooted(unixSocket));
} else if (!certPath && !keyPath && !clientCas) {
	log('info', `Starting extension http server on port ${port}`);
	listenOrDie(http.createServer(handler), port, listenHost);
} else {
	if (!certPath) {
		fatal('failed to validate listen specification: TLS server certificate must be provided when TLS is enabled');
	}

	if (!keyPath) {
		fatal('failed to validate listen specification: TLS server key must be provided when TLS is enabled');
	}

	let keyMtime;
	try {
		keyMtime = statSync(rooted(keyPath)).mtimeMs;
	} catch (error) {
		fatal(`failed checking key file modification time: ${goFileError(error, keyPath, 'stat')}`);
	}

	let pair;
	try {
		pair = loadKeyPair();
	} catch (error) {
		fatal(`failed to load TLS certificate: failed loading tls key pair: ${error.message}`);
	}

	let ca;
	if (clientCas) {
		const pool = loadCertPool(clientCas);
		if (pool.error && caLoadIsFatal) {
			fatal(`failed to load TLS client CA certificates: ${pool.error}`);
		} else if (pool.error) {
			// Not fatal since extension-kit 01bc4da: the server still requires client certs and now trusts none.
			log('warn', 'failed to load TLS client CA certificates', {error: pool.error});
			ca = [];
		} else {
			ca = pool.certs;
		}
	}

	const mutual = ca !== undefined;
	const server = https.createServer({...pair, ...(mutual ? {ca, requestCert: true, rejectUnauthorized: true} : {}), minVersion: 'TLSv1.2'}, handler);
	const remoteOf = rememberRemoteAddresses(server);
	server.on('tlsClientError', (error, tlsSocket) => {
		const message = `http: TLS handshake error from ${remoteOf(tlsSocket)}: ${goServerHandshakeError(error, tlsSocket)}`;
		// extension-kit forwardToZeroLogWriter: these stay at DEBUG.
		const quiet = message.includes('client didn\'t provide a certificate') || message.includes('unknown certificate') || message.includes('EOF');
		log(quiet ? 'debug' : 'error', message);
	});
	// Hot reload like exthttp/cert_reloader.go: a newer key mtime reloads the pair.
	setInterval(() => {
		try {
			const mtime = statSync(rooted(keyPath)).mtimeMs;
			if (mtime > keyMtime) {
				keyMtime = mtime;
				pair = loadKeyPair();
				server.setSecureContext({...pair, ...(mutual ? {ca} : {}), minVersion: 'TLSv1.2'});
				log('info', 'Reloaded TLS certificate');
			}
		} catch (error) {
			log('error', 'Failed to reload TLS certificate', {error: error.message});
		}
	}, 1000).unref();
	log('info', `Starting extension https server on port ${port} (ClientAuth: ${mutual ? 'RequireAndVerifyClientCert' : 'NoClientCert'})`);
	listenOrDie(server, port, listenHost);
}

process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
