import {chmod, mkdtemp, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {delimiter, join} from 'node:path';

/**
 * A temp bin directory holding stand-in executables named like the real tools (kubectl, docker, helm), for tests
 * of the exec layer itself: how lines, exit codes, stdin and missing tools are handled, not what the tools do.
 */
export async function fakeToolDir(tools: Record<string, string>): Promise<{dir: string; env: NodeJS.ProcessEnv}> {
	const dir = await mkdtemp(join(tmpdir(), 'mtls-fake-tools-'));
	for (const [name, script] of Object.entries(tools)) {
		const path = join(dir, name);
		await writeFile(path, script);
		await chmod(path, 0o755);
	}

	return {dir, env: {PATH: `${dir}${delimiter}${process.env['PATH'] ?? ''}`}};
}
