import {randomBytes, type KeyObject} from 'node:crypto';
import {stat} from 'node:fs/promises';
import {resolve} from 'node:path';
import {badInput, UsageError} from '../errors.js';
import type {CertificateAuthority} from '../pki/certificate-authority.js';
import {daysFromNow, isoDay} from '../pki/days.js';
import {generateKey, keyDescription, type KeySize, type KeyType} from '../pki/generate-key.js';
import type {LeafSpec} from '../pki/issue-leaf.js';
import {parseDays, parseKeySize, parseKeyType} from '../pki/parse-numbers.js';
import {commonNameFileBase, validateCommonName, validateDnsName, validateIpAddress} from '../pki/validate-names.js';
import {checkOutputDirectory, writePrivateFiles, type OutputFile} from '../pki/write-private-files.js';

export type CertsOptions = {
	out: string;
	serverDns?: string[];
	serverIp?: string[];
	clientCn?: string[];
	days: string;
	caDays: string;
	keySize: string;
	keyType?: string;
	caCert?: string;
	caKey?: string;
	force?: boolean;
	csrOnly?: boolean;
	json?: boolean;
};

type Request = {
	out: string;
	dnsNames: string[];
	ipAddresses: string[];
	clients: Array<{commonName: string; fileBase: string}>;
	days: number;
	caDays: number;
	keySize: KeySize;
	keyType: KeyType;
	importCa?: {certPath: string; keyPath: string};
	force: boolean;
	csrOnly: boolean;
};

const passphraseVariable = 'MTLS_WIZARD_CA_KEY_PASSPHRASE';

function parseRequest(options: CertsOptions): Request {
	if (options.out.trim() === '') throw badInput('--out', options.out, 'is not a directory', 'Name the directory to write into, e.g. --out ./pki');
	const days = parseDays(options.days, '--days');
	const caDays = parseDays(options.caDays, '--ca-days');
	const keySize = parseKeySize(options.keySize, '--key-size');
	const keyType = parseKeyType(options.keyType ?? 'rsa', '--key-type');
	const dnsNames = (options.serverDns ?? []).map(name => validateDnsName(name, '--server-dns'));
	const ipAddresses = (options.serverIp ?? []).map(ip => validateIpAddress(ip, '--server-ip'));
	if (dnsNames.length + ipAddresses.length === 0) {
		throw new UsageError('--server-dns: missing. Name the server as clients reach it, e.g. --server-dns server.example.com (repeatable; --server-ip for addresses)');
	}

	const clientNames = (options.clientCn ?? ['client']).map(cn => validateCommonName(cn, '--client-cn'));
	const clients = clientNames.map(commonName => ({
		commonName,
		fileBase: clientNames.length === 1 ? 'client' : `client-${commonNameFileBase(commonName)}`,
	}));
	const seen = new Set<string>();
	for (const client of clients) {
		if (seen.has(client.fileBase)) throw badInput('--client-cn', client.commonName, 'is given twice (or maps to the same file name as another)', 'Give each client a different name');
		seen.add(client.fileBase);
	}

	if (Boolean(options.caCert) !== Boolean(options.caKey)) {
		const [given, missing] = options.caCert ? ['--ca-cert', '--ca-key'] : ['--ca-key', '--ca-cert'];
		throw new UsageError(`${missing}: missing. ${given} needs ${missing} too (the CA certificate and its private key)`);
	}

	if (options.csrOnly && (options.caCert || options.caKey)) {
		throw new UsageError(`${options.caCert ? '--ca-cert' : '--ca-key'}: not with --csr-only. --csr-only makes keys and requests for your PKI to sign; give a CA to sign here instead, not both`);
	}

	if (!options.caCert && !options.csrOnly && days > caDays) {
		throw badInput('--days', String(days), `outlives the CA (--ca-days ${caDays})`, `Use --days ${caDays} or less, or raise --ca-days`);
	}

	return {
		out: options.out,
		dnsNames,
		ipAddresses,
		clients,
		days,
		caDays,
		keySize,
		keyType,
		...(options.caCert && options.caKey ? {importCa: {certPath: options.caCert, keyPath: options.caKey}} : {}),
		force: Boolean(options.force),
		csrOnly: Boolean(options.csrOnly),
	};
}

function fileNames(request: Request): string[] {
	if (request.csrOnly) return ['server.key', 'server.csr', ...request.clients.flatMap(c => [`${c.fileBase}.key`, `${c.fileBase}.csr`])];
	return [
		'ca.crt',
		...(request.importCa ? [] : ['ca.key']),
		'server.crt',
		'server.key',
		...request.clients.flatMap(c => [`${c.fileBase}.crt`, `${c.fileBase}.key`]),
	];
}

async function obtainCa(request: Request, caKey: Promise<KeyObject> | undefined): Promise<CertificateAuthority> {
	if (!request.importCa) {
		const {issueCa} = await import('../pki/issue-ca.js');
		return issueCa({commonName: `mtls-wizard CA ${randomBytes(4).toString('hex')}`, days: request.caDays, keySize: request.keySize, keyType: request.keyType}, await caKey);
	}

	const passphrase = process.env[passphraseVariable];
	const {loadCa} = await import('../pki/load-ca.js');
	const ca = await loadCa({...request.importCa, ...(passphrase === undefined ? {} : {passphrase})});
	const {checkBeforeIssuing} = await import('../pki/check-before-issuing.js');
	checkBeforeIssuing(
		ca,
		[
			{id: 'server.crt', commonName: request.dnsNames[0] ?? request.ipAddresses[0]!, dnsNames: request.dnsNames, ipAddresses: request.ipAddresses, days: request.days},
			...request.clients.map(c => ({id: `${c.fileBase}.crt`, commonName: c.commonName, dnsNames: [], ipAddresses: [], days: request.days})),
		],
		{days: '--days', ca: '--ca-cert', caPath: request.importCa.certPath},
	);
	return ca;
}

/** --csr-only: keys and CSRs carrying the names and usages, for a PKI outside the wizard to sign. */
async function requestCertificates(request: Request, json: boolean): Promise<number> {
	const {requestLeaf, requestLine} = await import('../pki/issue-leaf.js');
	const base = {days: request.days, keySize: request.keySize, keyType: request.keyType};
	const leaves: Array<{base: string; spec: LeafSpec}> = [
		{base: 'server', spec: {...base, role: 'server', commonName: request.dnsNames[0] ?? request.ipAddresses[0]!, dnsNames: request.dnsNames, ipAddresses: request.ipAddresses}},
		...request.clients.map(c => ({base: c.fileBase, spec: {...base, role: 'client' as const, commonName: c.commonName, dnsNames: [], ipAddresses: []}})),
	];
	const made = await Promise.all(leaves.map(async leaf => ({leaf, key: await generateKey(request.keyType, request.keySize)})));
	const requests = await Promise.all(made.map(async ({leaf, key}) => ({leaf, key, ...(await requestLeaf(leaf.spec, key))})));
	const written = await writePrivateFiles(
		request.out,
		requests.flatMap(r => [
			{name: `${r.leaf.base}.key`, content: r.privateKeyPem, secret: true},
			{name: `${r.leaf.base}.csr`, content: r.csrPem, secret: false},
		]),
		{force: request.force},
	);
	const out = resolve(request.out);
	const asks = requests.map(r => ({request: `${r.leaf.base}.csr`, certificate: `${r.leaf.base}.crt`, ask: requestLine(r.leaf.spec, r.key)}));
	if (json) {
		process.stdout.write(`${JSON.stringify({out, requests: asks, files: written.map(f => ({path: f.path, mode: `0${f.mode.toString(8)}`}))}, null, 2)}\n`);
		return 0;
	}

	const lines = [
		`Wrote ${written.length} files to ${out} (keys 0600): a key and a certificate request for each certificate. Ask your PKI for:`,
		...asks.map(a => `  ${a.request.padEnd(10)}  ${a.ask}`),
		`Put the signed certificates into ${out} as ${asks.map(a => a.certificate).join(', ')} (each followed by its intermediate CAs),`,
		`and the issuing CA with its parents up to the root as ca.crt. Then prove the set with: mtls-wizard verify ${request.out}`,
	];
	process.stdout.write(`${lines.join('\n')}\n`);
	return 0;
}

export async function certsCommand(options: CertsOptions): Promise<number> {
	const request = parseRequest(options);
	const names = fileNames(request);
	await checkOutputDirectory(request.out, names, {force: request.force});
	if (request.csrOnly) return requestCertificates(request, Boolean(options.json));

	// Every key is generated at once on the threadpool, before node-forge (about 35 ms of CPU) is even loaded,
	// so loading it overlaps key generation. A loaded CA is still checked before any file is written.
	const caKey = request.importCa ? undefined : generateKey(request.keyType, request.keySize);
	const serverKey = generateKey(request.keyType, request.keySize);
	const clientKeys = request.clients.map(() => generateKey(request.keyType, request.keySize));
	const {signLeaf} = await import('../pki/issue-leaf.js');
	const ca = await obtainCa(request, caKey);

	const firstName = request.dnsNames[0] ?? request.ipAddresses[0]!;
	const leafBase = {days: request.days, keySize: request.keySize, keyType: request.keyType};
	const serverSpec: LeafSpec = {...leafBase, role: 'server', commonName: firstName, dnsNames: request.dnsNames, ipAddresses: request.ipAddresses};
	const [server, ...clients] = await Promise.all([
		serverKey.then(key => signLeaf(ca, serverSpec, key)),
		...request.clients.map((client, index) =>
			clientKeys[index]!.then(key => signLeaf(ca, {...leafBase, role: 'client', commonName: client.commonName, dnsNames: [], ipAddresses: []}, key)),
		),
	]);

	const files: OutputFile[] = [
		{name: 'ca.crt', content: ca.chainPem, secret: false},
		...(ca.imported ? [] : [{name: 'ca.key', content: ca.privateKeyPem, secret: true}]),
		{name: 'server.crt', content: server!.certificatePem, secret: false},
		{name: 'server.key', content: server!.privateKeyPem, secret: true},
		...request.clients.flatMap((client, index) => [
			{name: `${client.fileBase}.crt`, content: clients[index]!.certificatePem, secret: false},
			{name: `${client.fileBase}.key`, content: clients[index]!.privateKeyPem, secret: true},
		]),
	];
	const written = await writePrivateFiles(request.out, files, {force: request.force});
	const out = resolve(request.out);
	// A directory that existed keeps the mode its owner gave it; say so rather than promise 0700.
	const directoryMode = (await stat(out)).mode & 0o7777;

	if (options.json) {
		const summary = {
			out,
			ca: {imported: ca.imported, subject: ca.subject, chainLength: ca.chain.length, notAfter: ca.notAfter.toISOString()},
			server: {commonName: firstName, dnsNames: request.dnsNames, ipAddresses: request.ipAddresses},
			clients: request.clients.map(c => ({commonName: c.commonName, certificate: `${c.fileBase}.crt`, key: `${c.fileBase}.key`})),
			days: request.days,
			keySize: request.keySize,
			keyType: request.keyType,
			files: written.map(f => ({path: f.path, mode: `0${f.mode.toString(8)}`})),
		};
		process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
		return 0;
	}

	const leavesUntil = isoDay(daysFromNow(request.days));
	const sans = [...request.dnsNames.map(n => `DNS:${n}`), ...request.ipAddresses.map(ip => `IP:${ip}`)].join(', ');
	const lines = [
		`Wrote ${written.length} files to ${out} (directory 0${directoryMode.toString(8)}${directoryMode === 0o700 ? '' : ', as it was'}, keys 0600):`,
		`  ca.crt      CA "${ca.subject}"${ca.chain.length > 1 ? ` with its ${ca.chain.length - 1} parent${ca.chain.length > 2 ? 's' : ''} up to the root` : ''}${ca.imported ? ' (your CA; its key was not copied)' : ''}, valid until ${isoDay(ca.notAfter)}`,
		...(ca.imported ? [] : ['  ca.key      CA private key: keep it offline; anyone holding it can issue trusted certificates']),
		`  server.crt  server certificate (serverAuth) for ${sans}, valid until ${leavesUntil}`,
		'  server.key  server private key (PKCS#8)',
		...request.clients.flatMap(c => [
			`  ${`${c.fileBase}.crt`.padEnd(10)}  client certificate (clientAuth) CN=${c.commonName}, valid until ${leavesUntil}`,
			`  ${`${c.fileBase}.key`.padEnd(10)}  client private key (PKCS#8)`,
		]),
		`${keyDescription(request.keyType, request.keySize)} keys, signed with ${ca.signer.name}${ca.intermediatesPem === '' ? '' : '; the .crt files carry the intermediate CAs after the leaf'}. Prove the set with: mtls-wizard verify ${request.out}`,
	];
	process.stdout.write(`${lines.join('\n')}\n`);
	return 0;
}
