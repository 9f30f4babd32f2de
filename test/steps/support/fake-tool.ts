import {chmod, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const toolScript = fileURLToPath(new URL('fake-log-tool.mjs', import.meta.url));

export type FakeAttempt = {lines: Array<{text: string; stream?: 'stdout' | 'stderr'}>; then: 'hang' | 'exit'; exitCode?: number};

export type FakeTool = {
	env: NodeJS.ProcessEnv;
	/** The argv of every call, in order. */
	calls(): Promise<string[][]>;
	/** The pid of the last follower started. */
	lastPid(): Promise<number>;
	cleanup(): Promise<void>;
};

/** Puts `docker` and `kubectl` stand-ins first on PATH, both following the given script. */
export async function fakeLogTool(script: {attempts: FakeAttempt[]; events?: unknown}): Promise<FakeTool> {
	const dir = await mkdtemp(join(tmpdir(), 'mtls-fake-tool-'));
	const scriptFile = join(dir, 'script.json');
	const state = join(dir, 'state');
	await writeFile(scriptFile, JSON.stringify(script));
	for (const name of ['docker', 'kubectl']) {
		await writeFile(join(dir, name), `#!/bin/sh\nexec "${process.execPath}" "${toolScript}" "$@"\n`);
		await chmod(join(dir, name), 0o755);
	}

	return {
		env: {...process.env, PATH: `${dir}:${process.env['PATH'] ?? ''}`, FAKE_TOOL_SCRIPT: scriptFile, FAKE_TOOL_STATE: state},
		async calls() {
			const text = await readFile(`${state}.calls`, 'utf8').catch(() => '');
			return text
				.split('\n')
				.filter(Boolean)
				.map(line => JSON.parse(line) as string[]);
		},
		async lastPid() {
			return Number(await readFile(`${state}.pid`, 'utf8'));
		},
		async cleanup() {
			await rm(dir, {recursive: true, force: true});
		},
	};
}
