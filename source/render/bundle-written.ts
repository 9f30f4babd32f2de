import {formatMode} from './print-plan.js';

/** What run, renew and rotate-ca print once a bundle is written: its files with their modes, and what to do next. */
export function bundleWrittenText(heading: string, result: {dir: string; files: ReadonlyArray<{path: string; mode: number}>}): string {
	return `${heading} written to ${result.dir}:\n${result.files.map(f => `  ${f.path} (${formatMode(f.mode)})`).join('\n')}\nRead README.txt, then run ./apply.sh.\n`;
}
