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

/** Starts a long-running command and resolves once its stdout contains `text`; the caller stops it. */
export function waitForOutput(file: string, args: string[], text: string, env: NodeJS.ProcessEnv): Promise<{output: string; stop: () => void}> {
	return new Promise((resolve, reject) => {
		const child = spawn(file, args, {env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']});
		let output = '';
		let errors = '';
		child.stdout.on('data', (data: Buffer) => {
			output += data.toString('utf8');
			if (output.includes(text)) resolve({output, stop: () => child.kill()});
		});
		child.stderr.on('data', (data: Buffer) => (errors += data.toString('utf8')));
		child.once('close', code => reject(new Error(`${file} ${args.join(' ')} exited ${code} before printing "${text}"; stdout: ${output} stderr: ${errors}`)));
	});
}
