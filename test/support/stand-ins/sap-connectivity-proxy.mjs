#!/usr/bin/env node
// Stand-in for the SAP BTP Connectivity Proxy's business data tunnel server with enableTls (end-to-end mTLS).
// It reads tls.key, tls.crt and ca.crt from the mounted secret dir CONNECTIVITY_PROXY_TUNNEL_TLS_DIR (set by the test chart,
// default /etc/connectivity/tls/business-data-tunnel: the real image's mount path is not public) and serves
// CONNECTIVITY_PROXY_TUNNEL_PORT (default 8042, the chart's businessDataTunnel.port) on 127.0.0.1, requiring client
// certificates verified against ca.crt. GET /healthcheck answers 200. Like the real proxy it logs no TLS line.
import {readFileSync} from 'node:fs';
import https from 'node:https';
import {join} from 'node:path';
import {goLoadKeyPair, pemBlocks, rooted, listenHost} from './lib/common.mjs';

const dir = process.env.CONNECTIVITY_PROXY_TUNNEL_TLS_DIR || '/etc/connectivity/tls/business-data-tunnel';
const port = Number(process.env.CONNECTIVITY_PROXY_TUNNEL_PORT || 8042);

function log(level, message) {
	process.stdout.write(JSON.stringify({time: new Date().toISOString(), level, logger: 'stand-in.connectivity-proxy', message}) + '\n');
}

let pair;
let ca;
try {
	pair = goLoadKeyPair(readFileSync(rooted(join(dir, 'tls.crt')), 'utf8'), readFileSync(rooted(join(dir, 'tls.key')), 'utf8'));
	ca = pemBlocks(readFileSync(rooted(join(dir, 'ca.crt')), 'utf8')).filter(block => block.type === 'CERTIFICATE').map(block => block.pem);
} catch (error) {
	log('ERROR', `Failed to start business data tunnel server: ${error.message}`);
	process.exit(1);
}

const server = https.createServer({...pair, ca, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2'}, (request, response) => {
	if (request.url === '/healthcheck') {
		response.writeHead(200, {'content-type': 'text/plain'});
		response.end('OK');
		return;
	}

	response.writeHead(404);
	response.end();
});
server.on('error', error => {
	log('ERROR', `Failed to start business data tunnel server: ${error.message}`);
	process.exit(1);
});
server.listen(port, listenHost, () => {
	log('INFO', `Connectivity proxy started (business data tunnel port ${port})`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
