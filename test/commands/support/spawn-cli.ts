import {spawn, type ChildProcess} from 'node:child_process';
import {inNamespace} from '../../support/private-docker.js';
import {cliPath} from '../../support/run-cli.js';

export type SpawnedCli = {
	child: ChildProcess;
	/** Resolves with all stdout so far once a line matches; rejects if the process ends first. */
	waitForLine(pattern: RegExp): Promise<string>;
	/** Resolves with the exit code (or 128 + signal number), stdout and stderr once the process has ended. */
	exited: Promise<{exitCode: number; signal: NodeJS.Signals | null; stdout: string; stderr: string}>;
};

/**
 * Starts the built CLI as a process the test can signal (runCli only waits for the end); with `netns`, inside that
 * network namespace (nsenter execs in place, so signals reach the CLI itself).
 */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv, cwd?: string, netns?: string): SpawnedCli {
	const [file, argv] = netns ? inNamespace(netns, process.execPath, [cliPath, ...args]) : [process.execPath, [cliPath, ...args]];
	const child = spawn(file, argv, {env: {...process.env, NO_COLOR: '1', ...env}, cwd, stdio: ['ignore', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	const waiters: Array<{pattern: RegExp; resolve(text: string): void}> = [];
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		stdout += chunk;
		for (const waiter of [...waiters]) {
			if (stdout.split('\n').some(line => waiter.pattern.test(line))) {
				waiters.splice(waiters.indexOf(waiter), 1);
				waiter.resolve(stdout);
			}
		}
	});
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
		stderr += chunk;
	});
	const exited = new Promise<{exitCode: number; signal: NodeJS.Signals | null; stdout: string; stderr: string}>(resolve => {
		child.on('close', (code, signal) => resolve({exitCode: code ?? 128, signal, stdout, stderr}));
	});
	return {
		child,
		exited,
		waitForLine(pattern) {
			return new Promise((resolve, reject) => {
				waiters.push({pattern, resolve});
				void exited.then(end => reject(new Error(`the CLI ended (exit ${end.exitCode}) before printing ${pattern}:\n${end.stdout}\n${end.stderr}`)));
			});
		},
	};
}
