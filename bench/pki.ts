import {execFile} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {existsSync} from 'node:fs';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {loadavg, tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {median, percentile} from './support/statistics.js';

/*
 * DESIGN.md "Performance": a full PKI (CA + server + client, RSA-2048) takes at most 1.3x the time of bare native
 * generation of the same keys. Judged: `mtls-wizard certs` (node dist/cli.js, a fresh process writing its files)
 * against a fresh `node -e` making the same three RSA-2048 keys at once on the threadpool and nothing else (as
 * bench/fleet.ts's bare key generation). For information: the openssl CLI making the same certificates.
 *
 * RSA key generation searches for primes, so one key takes anywhere from a third to three times its median, and a
 * round's time is that of its slowest key. The per-round ratio therefore swings widely (0.4x to 4x was seen on the
 * loaded 2-core machine; quartiles 0.9x and 1.9x), and its median needs many rounds to settle. Its standard error
 * is about 1.25 σ / √n, with σ estimated from the quartiles (IQR / 1.35), and the report prints it: 31 rounds
 * bring it to about 0.2 at that spread, less on a quiet machine, in about 3 to 5 minutes. Each round runs the three
 * sides in a rotated order so no side always runs first or right after another.
 */
export const name = 'pki';
export const target = 1.3;
const defaultRounds = 31;
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

/** The CA's, the server's and the client's RSA-2048 keys at once through Node's native generateKeyPair, nothing else. */
const bareKeygenScript = "const {generateKeyPair} = require('node:crypto'); for (let i = 0; i < 3; i++) generateKeyPair('rsa', {modulusLength: 2048}, error => { if (error) throw error; });";

async function bareKeygen(dir: string): Promise<void> {
	await exec(process.execPath, ['-e', bareKeygenScript], dir);
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

type Timing = {wallMs: number; cpuMs: number};

async function timed(work: (dir: string) => Promise<void>): Promise<Timing> {
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

const sides = {cli: cliPki, keygen: bareKeygen, openssl: opensslPki} as const;
type Side = keyof typeof sides;

export type PkiBenchResult = {timings: Record<Side, Timing[]>; ratio: number; ok: boolean; report: string};

export async function measure(rounds = Number(process.env['MTLS_BENCH_PKI_ROUNDS'] ?? defaultRounds)): Promise<PkiBenchResult> {
	if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
	if (!existsSync(openssl)) throw new Error(`${openssl} is missing: install the Debian package "openssl"`);
	const order: Side[] = ['cli', 'keygen', 'openssl'];
	// One unmeasured run of each warms the page cache for node, the CLI's modules and openssl.
	for (const side of order) await timed(sides[side]);
	const timings: Record<Side, Timing[]> = {cli: [], keygen: [], openssl: []};
	const load = loadavg()[0]!;
	for (let round = 0; round < rounds; round++) {
		// Rotate the order: each side goes first, second and third equally often.
		for (let index = 0; index < order.length; index++) {
			const side = order[(round + index) % order.length]!;
			timings[side].push(await timed(sides[side]));
		}
	}

	const wall = (side: Side) => timings[side].map(t => t.wallMs);
	const cpu = (side: Side) => median(timings[side].map(t => t.cpuMs));
	const perRound = (side: Side) => wall('cli').map((ms, i) => ms / wall(side)[i]!);
	const ratio = median(perRound('keygen'));
	const ok = ratio <= target;
	const sorted = [...perRound('keygen')].sort((a, b) => a - b);
	const standardError = (1.25 * ((percentile(sorted, 75) - percentile(sorted, 25)) / 1.35)) / Math.sqrt(rounds);
	const format = (values: number[]) => values.map(v => v.toFixed(0)).join(' ');
	const line = (label: string, side: Side) => `  ${label.padEnd(44)} wall median ${median(wall(side)).toFixed(0)} ms  cpu median ${cpu(side).toFixed(0)} ms  [${format(wall(side))}]`;
	const report = [
		`  full PKI (CA + server + client, RSA-2048), ${rounds} rotated rounds, load average ${load.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end:`,
		line('mtls-wizard certs (node dist/cli.js)', 'cli'),
		line('bare native key generation of the 3 keys', 'keygen'),
		line('openssl CLI (genpkey, req, x509)', 'openssl'),
		`  vs bare key generation: ${ratio.toFixed(2)}× ± ${standardError.toFixed(2)} (median of per-round ratios ± its standard error; quartiles ${percentile(sorted, 25).toFixed(2)} and ${percentile(sorted, 75).toFixed(2)}, range ${sorted[0]!.toFixed(2)} to ${sorted.at(-1)!.toFixed(2)}; target <= ${target}×) ${ok ? 'OK' : 'MISSED'}`,
		`  vs the openssl CLI (information): ${median(perRound('openssl')).toFixed(2)}×; cpu ${(cpu('cli') / cpu('keygen')).toFixed(2)}× bare key generation's`,
	].join('\n');
	return {timings, ratio, ok, report};
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const result = await measure();
	console.log(result.report);
	process.exitCode = result.ok ? 0 : 1;
}
