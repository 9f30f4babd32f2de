import {execFile} from 'node:child_process';
import {mkdir} from 'node:fs/promises';
import {join} from 'node:path';
import type {ExecutionContext} from 'ava';
import {tempDir} from './temp-dir.js';

async function run(file: string, args: string[]): Promise<{code: number; output: string}> {
	return new Promise(resolve => {
		execFile(file, args, (error, stdout, stderr) => {
			resolve({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: stdout + stderr});
		});
	});
}

/**
 * A real tmpfs mounted for this test (root only), unmounted when the test ends. `readOnly` mounts it ro, which root
 * cannot write either (a 0555 directory would not stop root). Throws, naming what is missing, when mount fails.
 */
export async function tmpfs(t: Pick<ExecutionContext, 'teardown'>, options: {size: string; readOnly?: boolean; prepare?: (dir: string) => Promise<void>}): Promise<string> {
	const dir = join(await tempDir(t, 'mtls-tmpfs-'), 'mount');
	await mkdir(dir);
	const mounted = await run('mount', ['-t', 'tmpfs', '-o', `size=${options.size}`, 'tmpfs', dir]);
	if (mounted.code !== 0) throw new Error(`mount -t tmpfs failed (these tests need root and mount): ${mounted.output}`);
	// Registered before tempDir's removal runs (teardowns run last-in first-out), so rm never meets a mount.
	t.teardown(async () => {
		await run('umount', ['-l', dir]);
	});
	await options.prepare?.(dir);
	if (options.readOnly) {
		const remounted = await run('mount', ['-o', 'remount,ro', dir]);
		if (remounted.code !== 0) throw new Error(`mount -o remount,ro failed: ${remounted.output}`);
	}

	return dir;
}
