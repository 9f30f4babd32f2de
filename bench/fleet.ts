/**
 * Fleets (issue 14, DESIGN.md "Performance"), every ratio measured side by side in this one run:
 * - N agents through `mtls-wizard run generic --target bundle --set agents=agent-{1..N}` (a new CA, the server, N
 *   client certificates each in its bundle, the handshake proof) against an openssl loop issuing the same
 *   (genpkey, req, x509 -req per client, after the CA and server): at most 0.45×;
 * - against bare native RSA-2048 key generation of the same N+2 keys on every core (generateKeyPair on Node's
 *   threadpool, in a fresh node process): at most 1.1×;
 * - memory flat: the wizard's peak RSS at N=1000 at most 1.25× its peak at N=100;
 * - ECDSA P-256 agents (`keyType=ecdsa-p256`) at most 0.05× the RSA run for the same N.
 * Sizes are 500 and 1000; MTLS_BENCH_FLEET_SIZES=20,40 makes a quick smoke run (its report says so).
 */
import {execFile} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {existsSync} from 'node:fs';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {loadavg, tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

export const name = 'fleet';
export const target = 0.45;
const keygenTarget = 1.1;
const memoryTarget = 1.25;
const ecdsaTarget = 0.05;

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const openssl = '/usr/bin/openssl';
const time = '/usr/bin/time';

/** Runs a program; resolves with its wall time and, through /usr/bin/time, its peak resident set size. */
function measured(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<{ms: number; maxRssKb: number}> {
	return new Promise((resolve, reject) => {
		const start = performance.now();
		execFile(time, ['-f', 'maxrss=%M', file, ...args], {cwd, env, maxBuffer: 256 * 1024 * 1024}, (error, _stdout, stderr) => {
			const ms = performance.now() - start;
			if (error) reject(new Error(`${file} ${args.slice(0, 4).join(' ')} failed: ${stderr.trim().split('\n').slice(-3).join(' ')}`));
			else resolve({ms, maxRssKb: Number(/maxrss=(\d+)/.exec(stderr)?.[1] ?? Number.NaN)});
		});
	});
}

async function inTemp<T>(work: (dir: string) => Promise<T>): Promise<T> {
	const dir = await mkdtemp(join(tmpdir(), 'mtls-bench-fleet-'));
	try {
		return await work(dir);
	} finally {
		await rm(dir, {recursive: true, force: true});
	}
}

function wizard(n: number, keyType: 'rsa' | 'ecdsa-p256') {
	return inTemp(async dir =>
		measured(process.execPath, [cli, 'run', 'generic', '--target', 'bundle', '--out', 'out', '--set', `agents=agent-{1..${n}}`, '--set', `keyType=${keyType}`], dir, {
			...process.env,
			MTLS_WIZARD_HOME: join(dir, 'home'),
		}),
	);
}

/** The usual openssl recipe, one client after another, as a shell loop would issue them. */
function opensslLoop(n: number) {
	return inTemp(async dir => {
		const start = performance.now();
		const run = async (args: string[]) => measured(openssl, args, dir);
		await writeFile(join(dir, 'client.ext'), 'basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature, keyEncipherment\nextendedKeyUsage = clientAuth\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n');
		await writeFile(join(dir, 'server.ext'), 'basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature, keyEncipherment\nextendedKeyUsage = serverAuth\nsubjectAltName = DNS:localhost, IP:127.0.0.1\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n');
		const genpkey = (file: string) => run(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', file]);
		await genpkey('ca.key');
		await run(['req', '-x509', '-new', '-key', 'ca.key', '-sha256', '-days', '3650', '-subj', '/CN=bench CA', '-addext', 'basicConstraints = critical, CA:TRUE', '-addext', 'keyUsage = critical, keyCertSign, cRLSign', '-out', 'ca.crt']);
		const leaf = async (base: string, cn: string, ext: string) => {
			await genpkey(`${base}.key`);
			await run(['req', '-new', '-key', `${base}.key`, '-subj', `/CN=${cn}`, '-out', `${base}.csr`]);
			await run(['x509', '-req', '-in', `${base}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', `0x${randomBytes(16).toString('hex')}`, '-days', '825', '-sha256', '-extfile', ext, '-out', `${base}.crt`]);
		};

		await leaf('server', 'localhost', 'server.ext');
		for (let index = 1; index <= n; index++) await leaf(`agent-${index}`, `agent-${index}`, 'client.ext');
		return performance.now() - start;
	});
}

/** N RSA-2048 keys at once through Node's native generateKeyPair: the threadpool on every core, nothing else. */
function bareKeygen(keys: number) {
	const script = `const {generateKeyPair} = require('node:crypto'); let left = ${keys}; for (let i = 0; i < ${keys}; i++) generateKeyPair('rsa', {modulusLength: 2048}, error => { if (error) throw error; left -= 1; });`;
	return inTemp(async dir => measured(process.execPath, ['-e', script], dir));
}

export async function measure(): Promise<{ok: boolean; report: string}> {
	for (const [path, what] of [[cli, 'run npm run build first'], [openssl, 'install the Debian package "openssl"'], [time, 'install the Debian package "time"']] as const) {
		if (!existsSync(path)) throw new Error(`${path} is missing: ${what}`);
	}

	const sizes = (process.env['MTLS_BENCH_FLEET_SIZES'] ?? '500,1000').split(',').map(Number);
	const smoke = process.env['MTLS_BENCH_FLEET_SIZES'] !== undefined;
	const lines = [`  fleets of ${sizes.join(' and ')} agents${smoke ? ' (MTLS_BENCH_FLEET_SIZES: a smoke run, not the issue sizes)' : ''}, load average ${loadavg()[0]!.toFixed(1)} at start:`];
	let ok = true;
	const verdict = (ratio: number, limit: number) => {
		const met = ratio <= limit;
		ok &&= met;
		return `${ratio.toFixed(2)}× (target <= ${limit}×) ${met ? 'OK' : 'MISSED'}`;
	};

	// Unmeasured: the page cache then holds node, the CLI's modules and openssl.
	await wizard(2, 'ecdsa-p256');
	for (const [index, n] of sizes.entries()) {
		// Alternate which side goes first from one size to the next, so neither always runs on a cooler machine.
		const order = index % 2 === 0 ? ['wizard', 'openssl', 'keygen'] : ['keygen', 'openssl', 'wizard'];
		const results: Record<string, number> = {};
		let rss = 0;
		for (const side of order) {
			if (side === 'wizard') {
				const run = await wizard(n, 'rsa');
				results['wizard'] = run.ms;
				rss = run.maxRssKb;
			} else if (side === 'openssl') {
				results['openssl'] = await opensslLoop(n);
			} else {
				results['keygen'] = (await bareKeygen(n + 2)).ms;
			}
		}

		const ecdsa = await wizard(n, 'ecdsa-p256');
		const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
		lines.push(
			`  N=${n}: wizard RSA ${seconds(results['wizard']!)} (peak RSS ${(rss / 1024).toFixed(0)} MB), openssl loop ${seconds(results['openssl']!)}, bare key generation of ${n + 2} keys ${seconds(results['keygen']!)}, wizard P-256 ${seconds(ecdsa.ms)}`,
			`    vs the openssl loop ${verdict(results['wizard']! / results['openssl']!, target)}`,
			`    vs bare key generation ${verdict(results['wizard']! / results['keygen']!, keygenTarget)}`,
			`    P-256 vs RSA ${verdict(ecdsa.ms / results['wizard']!, ecdsaTarget)}`,
		);
	}

	// Memory: the same run at a tenth of the largest fleet and at the largest; ECDSA, so the sizes differ only in N.
	const large = Math.max(...sizes);
	const small = Math.max(1, Math.round(large / 10));
	const [few, many] = [await wizard(small, 'ecdsa-p256'), await wizard(large, 'ecdsa-p256')];
	lines.push(`  peak RSS: N=${small} ${(few.maxRssKb / 1024).toFixed(0)} MB, N=${large} ${(many.maxRssKb / 1024).toFixed(0)} MB: ${verdict(many.maxRssKb / few.maxRssKb, memoryTarget)}`);
	return {ok, report: lines.join('\n')};
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const result = await measure();
	process.stdout.write(`${result.report}\n`);
	process.exitCode = result.ok ? 0 : 1;
}
