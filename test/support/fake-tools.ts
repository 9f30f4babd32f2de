import {chmod, writeFile} from 'node:fs/promises';
import {delimiter, join} from 'node:path';
import type {ExecutionContext} from 'ava';
import {tempDir} from './temp-dir.js';

/**
 * A temp bin directory holding stand-in executables named like the real tools (kubectl, docker, helm), for tests
 * of the exec layer itself: how lines, exit codes, stdin and missing tools are handled, not what the tools do.
 * The directory is removed when the test ends.
 */
export async function fakeToolDir(t: Pick<ExecutionContext, 'teardown'>, tools: Record<string, string>): Promise<{dir: string; env: NodeJS.ProcessEnv}> {
	const dir = await tempDir(t, 'mtls-fake-tools-');
	for (const [name, script] of Object.entries(tools)) {
		const path = join(dir, name);
		await writeFile(path, script);
		await chmod(path, 0o755);
	}

	return {dir, env: {PATH: `${dir}${delimiter}${process.env['PATH'] ?? ''}`}};
}
