import {readdir} from 'node:fs/promises';

/*
 * `npm run bench`: runs every bench module in this directory, one after another so they do not compete for
 * the cores, and prints their reports. A module is bench/<name>.ts exporting `name`, `target` and
 * `measure(): Promise<{ok: boolean; report: string}>`; adding one needs no change here.
 * `npm run bench -- pki` runs only bench/pki.ts. Exit 1 when a measurement misses its target.
 */
type BenchModule = {name: string; target: number; measure(): Promise<{ok: boolean; report: string}>};

const only = process.argv.slice(2);
const files = (await readdir(new URL('.', import.meta.url)))
	.filter(file => file.endsWith('.ts') && file !== 'run.ts')
	.filter(file => only.length === 0 || only.includes(file.slice(0, -3)))
	.sort();

let allOk = true;
for (const file of files) {
	const module = (await import(new URL(file, import.meta.url).href)) as BenchModule;
	process.stdout.write(`== bench/${file}\n`);
	try {
		const result = await module.measure();
		process.stdout.write(`${result.report}\n`);
		allOk &&= result.ok;
	} catch (error) {
		allOk = false;
		process.stdout.write(`  could not measure: ${error instanceof Error ? error.message : String(error)}\n`);
	}
}

process.exitCode = allOk ? 0 : 1;
