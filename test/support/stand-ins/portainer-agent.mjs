#!/usr/bin/env node
// Stand-in for the Portainer Edge Agent (portainer/agent edge/client/build.go, edge/poll.go) as a TLS client.
// Flags --mtlscacert --mtlscert --mtlskey (aliases --sslcacert --sslcert --sslkey; `--x v` or `--x=v`), --log-mode,
// --log-level; env MTLS_SSL_CA, MTLS_SSL_CERT, MTLS_SSL_KEY, EDGE=1, EDGE_ID, EDGE_KEY (base64 of
// `url|tunnelAddr|fingerprint|endpointId`), EDGE_INSECURE_POLL, LOG_MODE (PRETTY default, coloured), LOG_LEVEL
// (INFO default). Stand-in only: STAND_IN_POLL_INTERVAL_MS (default 1000; the real interval comes from the server).
import {lookup} from 'node:dns/promises';
import {existsSync, readFileSync, statSync} from 'node:fs';
import http from 'node:http';
import {rootCertificates} from 'node:tls';
import {goClientError, goFileError, goHostnameRefusal, goLoadKeyPair, parseFlags, pemBlocks, portainerLogger, request, rooted} from './lib/common.mjs';

const env = process.env;
const flags = parseFlags(process.argv.slice(2));
const option = (flagName, alias, envName) => flags.get(flagName) || flags.get(alias) || env[envName] || '';
const log = portainerLogger({mode: flags.get('log-mode') || env.LOG_MODE || 'PRETTY', level: flags.get('log-level') || env.LOG_LEVEL || 'INFO'});
const caPath = option('mtlscacert', 'sslcacert', 'MTLS_SSL_CA');
const certPath = option('mtlscert', 'sslcert', 'MTLS_SSL_CERT');
const keyPath = option('mtlskey', 'sslkey', 'MTLS_SSL_KEY');
const insecurePoll = ['1', 'true'].includes((env.EDGE_INSECURE_POLL || '').toLowerCase());
const interval = Number(env.STAND_IN_POLL_INTERVAL_MS || 1000);

function fatal(caller, message, error) {
	log('fatal', caller, message, error ? {error} : {});
	process.exit(1);
}

if (!['1', 'true'].includes((env.EDGE || '').toLowerCase())) {
	fatal('cmd/agent/main.go:97', 'the stand-in only implements Edge mode', 'EDGE must be 1');
}

if (!env.EDGE_KEY) {
	fatal('cmd/agent/main.go:236', 'unable to start the Edge agent', 'missing EDGE_KEY');
}

const keyParts = Buffer.from(env.EDGE_KEY, 'base64').toString('utf8').split('|');
if (keyParts.length < 4) {
	fatal('edge/key.go:38', 'unable to parse Edge key', 'invalid Edge key format');
}

const [serverUrl, tunnelAddr, , endpointId] = keyParts;
if (!serverUrl.startsWith('https://')) {
	log('warn', 'edge/key.go:63', 'This agent has been configured using an insecure connection, we recommend using an HTTPS connection with Portainer');
}

// build.go: RootCAs is every certificate of the --mtlscacert file (AppendCertsFromPEM), replacing system roots; a
// read failure is fatal.
let ca = rootCertificates;
let identity = {};
function buildTransport() {
	if (caPath && !insecurePoll) {
		try {
			ca = pemBlocks(readFileSync(rooted(caPath), 'utf8')).filter(block => block.type === 'CERTIFICATE').map(block => block.pem);
		} catch (error) {
			fatal('edge/client/build.go:54', 'unable to build the Portainer client transport', goFileError(error, caPath));
		}
	}

	// InsecureSkipVerify returns before the client certificate is attached: mTLS silently off, like the real agent.
	if (!insecurePoll && certPath && keyPath) {
		try {
			identity = goLoadKeyPair(readFileSync(rooted(certPath), 'utf8'), readFileSync(rooted(keyPath), 'utf8'));
		} catch (error) {
			fatal('edge/client/build.go:85', 'unable to load the client certificate', error.code ? goFileError(error, error.path?.endsWith(keyPath) ? keyPath : certPath) : error.message);
		}
	}
}

// build.go certsNeedsRotation: before each request the transport is built again when the modification time of the
// certificate, key or CA file changed (portainer/agent@40388f1 edge/client/build.go), so a rotated file is read
// without a restart.
const watched = !insecurePoll && certPath && keyPath && caPath ? [certPath, keyPath, caPath] : [];
const mtimes = () => watched.map(path => {
	try {
		return statSync(rooted(path)).mtimeMs;
	} catch {
		return undefined;
	}
});
buildTransport();
let builtAt = mtimes();

log('info', 'cmd/agent/main.go:86', 'agent running on Docker platform');

/** The engine's /info through the mounted socket, as the agent asks its Docker engine; undefined without a socket. */
async function engineInfo() {
	const socketPath = rooted('/var/run/docker.sock');
	if (!existsSync(socketPath)) return undefined;
	return new Promise(resolve => {
		http.get({socketPath, path: '/info'}, response => {
			let body = '';
			response.setEncoding('utf8').on('data', chunk => {
				body += chunk;
			}).on('end', () => {
				try {
					resolve(JSON.parse(body));
				} catch {
					resolve(undefined);
				}
			});
		}).on('error', () => resolve(undefined));
	});
}

function nameserver() {
	try {
		return /^nameserver\s+(\S+)/m.exec(readFileSync('/etc/resolv.conf', 'utf8'))?.[1] ?? '127.0.0.53';
	} catch {
		return '127.0.0.53';
	}
}

// cmd/agent/main.go: on a Swarm node the agent runs in cluster mode and must resolve AGENT_CLUSTER_ADDR
// (tasks.<service>), which only Docker's embedded DNS on an overlay network answers; otherwise log.Fatal
// (platforms.md 2.3 "Edge Agent: Docker Swarm").
if ((await engineInfo())?.Swarm?.LocalNodeState === 'active') {
	log('info', 'cmd/agent/main.go:110', 'agent running on a Swarm cluster node, running in cluster mode');
	const clusterAddr = env.AGENT_CLUSTER_ADDR || '';
	if (!clusterAddr) {
		fatal('cmd/agent/main.go:124', 'unable to retrieve agent service name from Docker', 'AGENT_CLUSTER_ADDR is not set (stand-in)');
	}

	try {
		const addresses = await lookup(clusterAddr, {all: true});
		log('debug', 'cmd/agent/main.go:144', 'cluster joined', {cluster_address: clusterAddr, members: addresses.length});
	} catch {
		log('fatal', 'cmd/agent/main.go:133', 'unable to retrieve a list of IP associated to the host', {error: `lookup ${clusterAddr} on ${nameserver()}:53: no such host`, host: clusterAddr});
		process.exit(1);
	}
}
log('debug', 'edge/edge.go:116', 'starting Portainer short-polling client', {server_url: serverUrl, tunnel_addr: tunnelAddr, endpoint_id: endpointId});
log('debug', 'edge/client/build.go:40', 'creating the Portainer client transport', {insecure_poll: insecurePoll, mtls: Boolean(identity.cert)});

const serverBase = serverUrl.replace(/\/$/, '');
// edge/key.go: a key whose endpoint ID is 0 is the Auto onboarding (global) key; edge/poll.go poll() then asks
// POST /api/endpoints/global-key with its EDGE_ID for its own environment first, and asks again after a refused poll.
const globalKey = endpointId === '0';
let currentEndpoint = endpointId;
const edgeHeaders = {'X-PortainerAgent-EdgeID': env.EDGE_ID || '', 'X-PortainerAgent-Platform': '1'};
// A function: a rotated certificate, key or CA rebuilds identity and ca (buildTransport) between polls.
const tlsOptions = () => ({...identity, ca, rejectUnauthorized: !insecurePoll, minVersion: 'TLSv1.2'});

async function environmentId() {
	const url = `${serverBase}/api/endpoints/global-key`;
	let response;
	try {
		response = await request(url, {method: 'POST', headers: edgeHeaders, body: {}, tlsOptions: tlsOptions(), checkHost: goHostnameRefusal});
	} catch (error) {
		throw Object.assign(error, {goMessage: `Post "${url}": ${goClientError(error, Boolean(identity.cert))}`});
	}

	if (response.status !== 200) {
		log('debug', 'edge/client/portainer_edge_client.go:127', 'global key request failure', {response_code: response.status});
		throw Object.assign(new Error('global key request failed'), {goMessage: 'global key request failed'});
	}

	return String(JSON.parse(response.body).endpointID);
}

async function poll() {
	const now = mtimes();
	if (now.some((mtime, index) => mtime !== undefined && mtime !== builtAt[index])) {
		log('debug', 'edge/client/build.go:46', 'reloading certificates');
		buildTransport();
		builtAt = now;
	}

	const statusUrl = () => `${serverBase}/api/endpoints/${currentEndpoint}/edge/status`;
	try {
		if (globalKey && currentEndpoint === '0') {
			currentEndpoint = await environmentId();
			log('info', 'edge/edge.go:144', 'setting endpoint ID', {endpoint_id: Number(currentEndpoint)});
		}

		const response = await request(statusUrl(), {headers: edgeHeaders, tlsOptions: tlsOptions(), checkHost: goHostnameRefusal});
		if (response.status !== 200) {
			log('error', 'edge/client/portainer_edge_async_client.go:168', 'poll request failure', {response_code: response.status});
			if (globalKey) currentEndpoint = '0';
			throw Object.assign(new Error('short poll request failed'), {goMessage: 'short poll request failed'});
		}

		// poll(): the environment status as fields of an empty DEBUG message, sorted like zerolog's ConsoleWriter.
		const status = JSON.parse(response.body);
		log('debug', 'edge/poll.go:171', '', {checkin_interval_seconds: status.checkin, port: status.port, schedule_count: status.schedules.length, status: status.status});
	} catch (error) {
		const message = error.goMessage ?? `Get "${statusUrl()}": ${goClientError(error, Boolean(identity.cert))}`;
		log('error', 'edge/poll.go:175', 'an error occured during short poll', {error: message});
	}
}

await poll();
setInterval(poll, interval);
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
