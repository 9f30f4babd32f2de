import {execFile} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {existsSync} from 'node:fs';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {loadavg, tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

/*
 * DESIGN.md: a full PKI (CA + server + client, RSA-2048) through the CLI takes at most 1.2x the openssl CLI
 * doing the same. Both sides run as a user would run them (fresh processes, files on disk), alternating in
 * one process so that load from anything else on the machine hits both alike.
 */
export const name = 'pki';
export const target = 1.2;
const openssl = '/usr/bin/openssl';
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

async function exec(file: string, args: string[], cwd: string): Promise<void> {
	return new Promise((resolve, reject) => {
		execFile(file, args, {cwd}, (error, _stdout, stderr) => {
			if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
			else resolve();
		});
	});
}

const leafExtensions = {
	server: ['extendedKeyUsage = serverAuth', 'subjectAltName = DNS:localhost, IP:127.0.0.1'],
	client: ['extendedKeyUsage = clientAuth'],
};

/** The same certificates the CLI makes, by the usual openssl recipe: genpkey, req, x509 -req. */
async function opensslPki(dir: string): Promise<void> {
	for (const role of ['server', 'client'] as const) {
		const lines = [
			'basicConstraints = critical, CA:FALSE',
			'keyUsage = critical, digitalSignature, keyEncipherment',
			...leafExtensions[role],
			'subjectKeyIdentifier = hash',
			'authorityKeyIdentifier = keyid',
		];
		await writeFile(join(dir, `${role}.ext`), `${lines.join('\n')}\n`);
	}

	const genpkey = (name: string) => exec(openssl, ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', name], dir);
	await genpkey('ca.key');
	await exec(openssl, [
		'req', '-x509', '-new', '-key', 'ca.key', '-sha256', '-days', '3650', '-subj', '/CN=bench CA', '-set_serial', `0x${randomBytes(16).toString('hex')}`,
		'-addext', 'basicConstraints = critical, CA:TRUE', '-addext', 'keyUsage = critical, keyCertSign, cRLSign', '-out', 'ca.crt',
	], dir);
	for (const [role, cn] of [['server', 'localhost'], ['client', 'client']] as const) {
		await genpkey(`${role}.key`);
		await exec(openssl, ['req', '-new', '-key', `${role}.key`, '-subj', `/CN=${cn}`, '-out', `${role}.csr`], dir);
		await exec(openssl, [
			'x509', '-req', '-in', `${role}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', `0x${randomBytes(16).toString('hex')}`,
			'-days', '825', '-sha256', '-extfile', `${role}.ext`, '-out', `${role}.crt`,
		], dir);
	}
}

async function cliPki(dir: string): Promise<void> {
	await exec(process.execPath, [cli, 'certs', '--out', join(dir, 'pki'), '--server-dns', 'localhost', '--server-ip', '127.0.0.1'], dir);
}

/**
 * CPU time (user + system) of this process's finished children, in ms, from /proc/self/stat (cutime, cstime).
 * On a loaded machine wall time mostly measures the scheduler; CPU time shows the work each side does.
 */
async function childrenCpuMs(): Promise<number> {
	const stat = await readFile('/proc/self/stat', 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	// Fields 16 and 17 of proc(5); the slice starts at field 3. Clock ticks are 100 per second on Linux.
	return (Number(fields[13]) + Number(fields[14])) * 10;
}

async function timed(work: (dir: string) => Promise<void>): Promise<{wallMs: number; cpuMs: number}> {
	const dir = await mkdtemp(join(tmpdir(), 'mtls-wizard-bench-'));
	try {
		const cpuBefore = await childrenCpuMs();
		const start = performance.now();
		await work(dir);
		const wallMs = performance.now() - start;
		return {wallMs, cpuMs: (await childrenCpuMs()) - cpuBefore};
	} finally {
		await rm(dir, {recursive: true, force: true});
	}
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export type PkiBenchResult = {cliMs: number[]; opensslMs: number[]; ratio: number; cpuRatio: number; ok: boolean; report: string};

export async function measure(rounds = 7): Promise<PkiBenchResult> {
	if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
	if (!existsSync(openssl)) throw new Error(`${openssl} is missing: install the Debian package "openssl"`);
	// One unmeasured run of each warms the page cache for node, the CLI's modules and openssl.
	await timed(cliPki);
	await timed(opensslPki);
	const mine: Array<{wallMs: number; cpuMs: number}> = [];
	const ssl: Array<{wallMs: number; cpuMs: number}> = [];
	const load = loadavg()[0]!;
	for (let round = 0; round < rounds; round++) {
		// Alternate which goes first, so neither always runs right after the other.
		const cliFirst = round % 2 === 0;
		const a = await timed(cliFirst ? cliPki : opensslPki);
		const b = await timed(cliFirst ? opensslPki : cliPki);
		mine.push(cliFirst ? a : b);
		ssl.push(cliFirst ? b : a);
	}

	const cliMs = mine.map(r => r.wallMs);
	const opensslMs = ssl.map(r => r.wallMs);
	const ratio = median(mine.map((r, i) => r.wallMs / ssl[i]!.wallMs));
	const cpuRatio = median(mine.map(r => r.cpuMs)) / median(ssl.map(r => r.cpuMs));
	const ok = ratio <= target;
	const format = (values: number[]) => values.map(v => v.toFixed(0)).join(' ');
	const report = [
		`full PKI (CA + server + client, RSA-2048), ${rounds} alternating rounds, load average ${load.toFixed(1)} at start:`,
		`  mtls-wizard certs (node dist/cli.js)  wall ${median(cliMs).toFixed(0)} ms  [${format(cliMs)}]  cpu ${median(mine.map(r => r.cpuMs)).toFixed(0)} ms`,
		`  openssl CLI (genpkey, req, x509)      wall ${median(opensslMs).toFixed(0)} ms  [${format(opensslMs)}]  cpu ${median(ssl.map(r => r.cpuMs)).toFixed(0)} ms`,
		`  wall-time ratio ${ratio.toFixed(2)} (median of the per-round ratios; target <= ${target}): ${ok ? 'OK' : 'TOO SLOW'}`,
		`  cpu-time ratio ${cpuRatio.toFixed(2)} (for context: RSA key search time varies a lot from key to key)`,
	].join('\n');
	return {cliMs, opensslMs, ratio, cpuRatio, ok, report};
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const result = await measure();
	console.log(result.report);
	process.exitCode = result.ok ? 0 : 1;
}
