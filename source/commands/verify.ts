import {createPrivateKey, X509Certificate} from 'node:crypto';
import {readdir} from 'node:fs/promises';
import {isIP} from 'node:net';
import {join} from 'node:path';
import {badInput, UsageError} from '../errors.js';
import {isEncryptedKeyPem, pemBlocks, privateKeyLabels} from '../pki/pem-blocks.js';
import {peerRefusals} from '../pki/peer-refusals.js';
import {readInputFile} from '../pki/read-input-file.js';
import {validateDnsName, validateIpAddress} from '../pki/validate-names.js';
import {verifyMutualTls, type HandshakeReport} from '../pki/verify-mutual-tls.js';

export type VerifyOptions = {
	ca?: string;
	serverCert?: string;
	serverKey?: string;
	clientCert?: string;
	clientKey?: string;
	name?: string;
	json?: boolean;
};

type Source = {path: string; field: string};
type Pair = {cert: Source; key: Source};
type Sources = {ca: Source; server: Pair; clients: Pair[]};

const clientPassphraseVariable = 'MTLS_WIZARD_CLIENT_KEY_PASSPHRASE';

async function sourcesFromDirectory(dir: string): Promise<Sources> {
	let entries: string[];
	try {
		entries = await readdir(dir);
	} catch (error) {
		throw badInput('DIR', dir, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, 'Give the directory written by: mtls-wizard certs --out DIR');
	}

	const at = (name: string): Source => ({path: join(dir, name), field: 'DIR'});
	const clientBases = entries.includes('client.crt') ? ['client'] : entries.filter(e => /^client-.+\.crt$/.test(e)).map(e => e.slice(0, -4)).sort();
	if (clientBases.length === 0) throw badInput('DIR', dir, 'holds no client.crt or client-<cn>.crt', 'Give the directory written by: mtls-wizard certs --out DIR');
	return {
		ca: at('ca.crt'),
		server: {cert: at('server.crt'), key: at('server.key')},
		clients: clientBases.map(base => ({cert: at(`${base}.crt`), key: at(`${base}.key`)})),
	};
}

function sourcesFromFlags(options: VerifyOptions): Sources {
	const flags = [
		['--ca', options.ca],
		['--server-cert', options.serverCert],
		['--server-key', options.serverKey],
		['--client-cert', options.clientCert],
		['--client-key', options.clientKey],
	] as const;
	const missing = flags.filter(([, value]) => value === undefined).map(([flag]) => flag);
	if (missing.length > 0) {
		throw new UsageError(`${missing.join(', ')}: missing. Give a directory (mtls-wizard verify DIR) or all of --ca, --server-cert, --server-key, --client-cert, --client-key`);
	}

	const source = (field: string, path: string | undefined): Source => ({path: path!, field});
	return {
		ca: source('--ca', options.ca),
		server: {cert: source('--server-cert', options.serverCert), key: source('--server-key', options.serverKey)},
		clients: [{cert: source('--client-cert', options.clientCert), key: source('--client-key', options.clientKey)}],
	};
}

/** Every certificate in the file: a leaf file may carry its intermediates after it, a CA file a whole chain. */
async function readCertificate(source: Source): Promise<{pem: string; x509: X509Certificate; rest: X509Certificate[]}> {
	const text = await readInputFile(source.path, source.field);
	const blocks = pemBlocks(text, ['CERTIFICATE']);
	try {
		const [x509, ...rest] = blocks.map(block => new X509Certificate(block));
		if (x509) return {pem: blocks.join(''), x509, rest};
	} catch {
		// Reported below like any other non-certificate.
	}

	throw badInput(source.field, source.path, 'holds no valid PEM certificate', 'Give a PEM certificate file');
}

/** A client key may be encrypted (recipes can issue it with a passphrase); the server key is read unencrypted, as certs writes it. */
type KeyRole = {role: 'server'} | {role: 'client'; passphrase: string | undefined};

function encryptedKeyError(source: Source, key: KeyRole): UsageError {
	if (key.role === 'server') return badInput(source.field, source.path, 'is encrypted', 'Give the server key unencrypted, as certs writes it');
	if (key.passphrase === undefined) {
		return badInput(source.field, source.path, `is encrypted and ${clientPassphraseVariable} is not set`, `Set ${clientPassphraseVariable} to the client key's passphrase`);
	}

	return badInput(source.field, source.path, `could not be decrypted with ${clientPassphraseVariable}`, `Check ${clientPassphraseVariable}`);
}

async function readKey(pair: Pair, certificate: X509Certificate, role: KeyRole): Promise<string> {
	const text = await readInputFile(pair.key.path, pair.key.field);
	const [pem] = pemBlocks(text, privateKeyLabels);
	if (!pem) throw badInput(pair.key.field, pair.key.path, 'holds no PEM private key', 'Give the private key file (PEM)');
	const passphrase = role.role === 'client' ? role.passphrase : undefined;
	let key;
	try {
		key = createPrivateKey({key: pem, format: 'pem', ...(passphrase === undefined ? {} : {passphrase})});
	} catch {
		if (isEncryptedKeyPem(pem)) throw encryptedKeyError(pair.key, role);
		throw badInput(pair.key.field, pair.key.path, 'is not a valid private key', 'Give the private key file (PEM, PKCS#1 or PKCS#8)');
	}

	if (!certificate.checkPrivateKey(key)) throw badInput(pair.key.field, pair.key.path, `does not match ${pair.cert.path}`, 'Give the key that belongs to that certificate');
	return pem;
}

function defaultName(server: X509Certificate): string {
	const sans = server.subjectAltName?.split(', ') ?? [];
	const dns = sans.find(s => s.startsWith('DNS:') && !s.includes('*'))?.slice(4);
	const ip = sans.find(s => s.startsWith('IP Address:'))?.slice(11);
	const cn = /(?:^|\n)CN=([^\n]+)/.exec(server.subject)?.[1];
	return dns ?? ip ?? cn ?? 'localhost';
}

function render(client: string, report: HandshakeReport): string[] {
	return [
		`Mutual TLS on 127.0.0.1, server name "${report.serverName}", client ${client}:`,
		...report.cases.map(c => `  ${c.passed ? 'PASS' : 'FAIL'}  ${c.name}: ${c.outcome}${c.passed ? '' : c.outcome === c.expected ? ' but for another reason' : ` (expected ${c.expected})`}: ${c.reason}`),
	];
}

/** Exit 0 when the real client gets through and every negative case is refused, else 1. */
export async function verifyCommand(dir: string | undefined, options: VerifyOptions): Promise<number> {
	const flagged = [options.ca, options.serverCert, options.serverKey, options.clientCert, options.clientKey].some(v => v !== undefined);
	if (dir !== undefined && flagged) throw new UsageError(`DIR: ${JSON.stringify(dir)} given together with file flags. Give either a directory or the five files, not both`);
	const sources = dir === undefined ? sourcesFromFlags(options) : await sourcesFromDirectory(dir);
	const ca = await readCertificate(sources.ca);
	const server = await readCertificate(sources.server.cert);
	const serverKeyPem = await readKey(sources.server, server.x509, {role: 'server'});
	const passphrase = process.env[clientPassphraseVariable];
	const clients = [];
	for (const pair of sources.clients) {
		const cert = await readCertificate(pair.cert);
		clients.push({pair, certPem: cert.pem, x509: cert.x509, rest: cert.rest, keyPem: await readKey(pair, cert.x509, {role: 'client', passphrase})});
	}

	const serverName =
		options.name === undefined ? defaultName(server.x509) : isIP(options.name) ? validateIpAddress(options.name, '--name') : validateDnsName(options.name, '--name');

	// What Go, Java or OpenSSL would refuse is named with its cause; the handshakes still run, to show what Node does.
	const trusted = [ca.x509, ...ca.rest];
	const problems = [
		...peerRefusals({label: sources.server.cert.path, role: 'server', leaf: server.x509, intermediates: server.rest}, trusted),
		...clients.flatMap(client => peerRefusals({label: client.pair.cert.path, role: 'client', leaf: client.x509, intermediates: client.rest}, trusted)),
	];
	const results = [];
	for (const client of clients) {
		const report = await verifyMutualTls({
			caPem: ca.pem,
			serverCertPem: server.pem,
			serverKeyPem,
			clientCertPem: client.certPem,
			clientKeyPem: client.keyPem,
			serverName,
			...(passphrase === undefined ? {} : {clientKeyPassphrase: passphrase}),
		});
		results.push({client: client.pair.cert.path, ...report});
	}

	const ok = problems.length === 0 && results.every(r => r.ok);
	if (options.json) {
		process.stdout.write(`${JSON.stringify({ok, problems, results}, null, 2)}\n`);
	} else {
		const lines = [...problems.map(problem => `FAIL  ${problem}`), ...results.flatMap(r => render(r.client, r))];
		lines.push(ok ? 'Result: OK. The certificates work for mutual TLS, and the wrong cases are refused.' : 'Result: FAILED. See the FAIL lines above.');
		process.stdout.write(`${lines.join('\n')}\n`);
	}

	return ok ? 0 : 1;
}
