import {execFile} from 'node:child_process';
import {chmod, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {cliPath} from './run-cli.js';
import {tempDir} from './temp-dir.js';

export type ShellResult = {code: number; stdout: string; stderr: string};

/**
 * Runs a command line as a user who copied it would: pasted into sh, with `mtls-wizard` on PATH as after
 * `npm install -g` (a shim that runs the built CLI). Tests that printed commands really run, quoting and all.
 */
export async function pasteIntoShell(t: Parameters<typeof tempDir>[0], line: string, options: {cwd: string; env: NodeJS.ProcessEnv}): Promise<ShellResult> {
	const bin = await tempDir(t, 'mtls-bin-');
	await writeFile(join(bin, 'mtls-wizard'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)} "$@"\n`);
	await chmod(join(bin, 'mtls-wizard'), 0o755);
	return new Promise(resolve => {
		const env = {...options.env, PATH: `${bin}:${options.env['PATH'] ?? process.env['PATH'] ?? ''}`};
		execFile('sh', ['-c', line], {cwd: options.cwd, env, maxBuffer: 16 * 1024 * 1024}, (error, stdout, stderr) => {
			resolve({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr});
		});
	});
}
