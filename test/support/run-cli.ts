import {execFile} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {inNamespace} from './private-docker.js';

export const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export type CliResult = {exitCode: number; stdout: string; stderr: string};

/** Runs the built CLI (npm test builds it first) the way a user would: no shell, plain argv; with `netns`, inside that namespace. */
export async function runCli(
	args: string[],
	options: {env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number; netns?: string} = {},
): Promise<CliResult> {
	return new Promise(resolve => {
		// In a private engine's network namespace the CLI sees what a user on that Docker host sees.
		const [file, argv] = options.netns ? inNamespace(options.netns, process.execPath, [cliPath, ...args]) : [process.execPath, [cliPath, ...args]];
		const timeoutMs = options.timeoutMs ?? 60_000;
		const child = execFile(
			file,
			argv,
			{env: {...process.env, NO_COLOR: '1', ...options.env}, cwd: options.cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024},
			(error, stdout, stderr) => {
				const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
				// Tests print stderr when the exit code is wrong: a run cut short must say so, not look like a failed step.
				const limit = error?.killed ? `\n[runCli] mtls-wizard ${args.join(' ')} did not exit within ${timeoutMs / 1000} s and was killed (${error.signal})\n` : '';
				resolve({exitCode, stdout, stderr: stderr + limit});
			},
		);
		// A command that exits without reading stdin must not crash the test run with EPIPE.
		child.stdin?.on('error', () => {});
		child.stdin?.end(options.input ?? '');
	});
}

/**
 * The text output of a run, step by step: each step's id (with its agent or context suffix) → what was printed from
 * its `[n/N] id  title` line up to the next step's, in plan order.
 */
export function stepOutputs(stdout: string): Map<string, string> {
	return new Map(stdout.split(/^ *\[\d+\/\d+\] /m).slice(1).map(block => [/^\S+/.exec(block)![0], block]));
}

/** The ids of the steps whose id starts with `prefix`, with the prefix cut off: `confirm-delegate-` → the agents. */
export function stepsNamed(stdout: string, prefix: string): Array<[name: string, output: string]> {
	return [...stepOutputs(stdout)].filter(([id]) => id.startsWith(prefix)).map(([id, output]) => [id.slice(prefix.length), output]);
}
