import {execFile, spawn} from 'node:child_process';

export type ToolResult = {exitCode: number; stdout: string; stderr: string};

/** Runs kubectl or helm with an argument array (no shell) and the emulator's env. */
export function runTool(file: string, args: string[], options: {env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number} = {}): Promise<ToolResult> {
	return new Promise(resolve => {
		const child = execFile(file, args, {env: {...process.env, ...options.env}, timeout: options.timeoutMs ?? 90_000, maxBuffer: 64 * 1024 * 1024}, (error, stdout, stderr) => {
			resolve({exitCode: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr});
		});
		child.stdin?.end(options.input ?? '');
	});
}

/**
 * Starts a long-running command and resolves once its stdout contains `text`; the caller stops it. With timeoutMs,
 * stops it and rejects after that long, naming the text it waited for and the output so far.
 */
export function waitForOutput(file: string, args: string[], text: string, env: NodeJS.ProcessEnv, timeoutMs?: number): Promise<{output: string; stop: () => void}> {
	return new Promise((resolve, reject) => {
		const child = spawn(file, args, {env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']});
		let output = '';
		let errors = '';
		const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
			child.kill();
			reject(new Error(`${file} ${args.join(' ')} did not print "${text}" within ${timeoutMs} ms; stdout: ${output} stderr: ${errors}`));
		}, timeoutMs);
		child.stdout.on('data', (data: Buffer) => {
			output += data.toString('utf8');
			if (output.includes(text)) {
				clearTimeout(timer);
				resolve({output, stop: () => child.kill()});
			}
		});
		child.stderr.on('data', (data: Buffer) => (errors += data.toString('utf8')));
		child.once('close', code => {
			clearTimeout(timer);
			reject(new Error(`${file} ${args.join(' ')} exited ${code} before printing "${text}"; stdout: ${output} stderr: ${errors}`));
		});
	});
}
