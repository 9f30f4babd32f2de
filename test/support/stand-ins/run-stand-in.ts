import {spawn} from 'node:child_process';
import {fileURLToPath} from 'node:url';

import {inNamespace} from '../private-docker.js';

export {freePort} from '../private-docker.js';

export type RunningStandIn = {
	/** Everything written so far, stdout and stderr interleaved in arrival order. */
	output(): string;
	stdout(): string;
	stderr(): string;
	/** Resolves with the output once `pattern` matches it; rejects if the process exits first or after timeoutMs. */
	waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
	/** Resolves with the exit code (for stand-ins expected to fail at startup). */
	exited(): Promise<number | null>;
	stop(): Promise<void>;
};

export function standInScript(name: string): string {
	return fileURLToPath(new URL(`${name}.mjs`, import.meta.url));
}

/** Runs `test/support/stand-ins/<name>.mjs` as a plain process with this Node binary (in `netns` when given). Call stop() in t.teardown. */
export function startStandIn(name: string, options: {args?: string[]; env?: NodeJS.ProcessEnv; netns?: string} = {}): RunningStandIn {
	const argv = [standInScript(name), ...(options.args ?? [])];
	// In a private engine's namespace the stand-in plays a machine on that network: it listens on every address there.
	const [file, args] = options.netns ? inNamespace(options.netns, process.execPath, argv) : [process.execPath, argv];
	const child = spawn(file, args, {
		env: {...process.env, ...(options.netns ? {STAND_IN_LISTEN_HOST: '0.0.0.0'} : {}), ...options.env},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let all = '';
	let out = '';
	let err = '';
	const listeners = new Set<() => void>();
	child.stdout.on('data', (chunk: Buffer) => {
		out += chunk.toString('utf8');
		all += chunk.toString('utf8');
		for (const listener of listeners) {
			listener();
		}
	});
	child.stderr.on('data', (chunk: Buffer) => {
		err += chunk.toString('utf8');
		all += chunk.toString('utf8');
		for (const listener of listeners) {
			listener();
		}
	});
	const exit = new Promise<number | null>(resolve => {
		child.once('close', code => {
			for (const listener of listeners) {
				listener();
			}

			resolve(code);
		});
	});
	let closed = false;
	void exit.then(() => {
		closed = true;
	});

	return {
		output: () => all,
		stdout: () => out,
		stderr: () => err,
		exited: async () => exit,
		async waitFor(pattern, timeoutMs = 90_000) {
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => {
					listeners.delete(check);
					reject(new Error(`${name}: no output matching ${String(pattern)} within ${timeoutMs} ms. Output so far:\n${all}`));
				}, timeoutMs);
				function check() {
					if (pattern.test(all)) {
						clearTimeout(timer);
						listeners.delete(check);
						resolve(all);
					} else if (closed || child.exitCode !== null) {
						clearTimeout(timer);
						listeners.delete(check);
						reject(new Error(`${name} exited (${child.exitCode}) before printing ${String(pattern)}. Output:\n${all}`));
					}
				}

				listeners.add(check);
				check();
			});
		},
		async stop() {
			if (!closed && child.exitCode === null) {
				child.kill('SIGTERM');
				await exit;
			}
		},
	};
}
