/**
 * Start-up (DESIGN.md): `mtls-wizard --version` through the built CLI at most 1.5× a bare `node -e 0`, side by side
 * in one run. Rounds alternate which goes first, so load from anything else on the machine hits both alike; the
 * median of the per-round ratios is compared. dist is not bundled: cli.js loads commander and parses the arguments,
 * and each command's modules are imported only when that command runs (readme, Benchmarks).
 */
import {execFile} from 'node:child_process';
import {existsSync} from 'node:fs';
import {loadavg} from 'node:os';
import {fileURLToPath} from 'node:url';

export const name = 'startup';
export const target = 1.5;

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function launch(args: string[]): Promise<number> {
	return new Promise((resolve, reject) => {
		const start = performance.now();
		execFile(process.execPath, args, (error, _stdout, stderr) => {
			if (error) reject(new Error(`node ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
			else resolve(performance.now() - start);
		});
	});
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export async function measure(rounds = 21): Promise<{ok: boolean; report: string; ratio: number}> {
	if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
	const bare = ['-e', '0'];
	const version = [cli, '--version'];
	// Unmeasured: the page cache then holds node and the CLI's modules for both sides.
	await launch(bare);
	await launch(version);
	const load = loadavg()[0]!;
	const nodeMs: number[] = [];
	const cliMs: number[] = [];
	for (let round = 0; round < rounds; round++) {
		if (round % 2 === 0) {
			nodeMs.push(await launch(bare));
			cliMs.push(await launch(version));
		} else {
			cliMs.push(await launch(version));
			nodeMs.push(await launch(bare));
		}
	}

	const ratio = median(cliMs.map((ms, index) => ms / nodeMs[index]!));
	const ok = ratio <= target;
	return {
		ok,
		ratio,
		report: [
			`  start-up, ${rounds} alternating rounds, load average ${load.toFixed(1)} at start:`,
			`  node dist/cli.js --version  median ${median(cliMs).toFixed(0)} ms`,
			`  node -e 0                   median ${median(nodeMs).toFixed(0)} ms`,
			`  ratio ${ratio.toFixed(2)}× (median of the per-round ratios; target <= ${target}×) ${ok ? 'OK' : 'TOO SLOW'}`,
		].join('\n'),
	};
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const result = await measure();
	process.stdout.write(`${result.report}\n`);
	process.exitCode = result.ok ? 0 : 1;
}
