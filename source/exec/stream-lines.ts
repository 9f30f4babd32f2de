import {childEnvironment} from './child-environment.js';
import {notOnPath} from './run-command.js';
import {withUserPath} from './user-path.js';
import type {CommandSpec, OutputLine} from './types.js';

export type StreamOptions = {
	env: NodeJS.ProcessEnv;
	signal: AbortSignal;
	onLine: (line: OutputLine) => void;
};

export type StreamEnd = {
	/** The follower's exit code, or undefined when it was stopped (stop() or the signal). */
	exitCode: number | undefined;
	stopped: boolean;
	/** The follower's pid, so callers (and tests) can check that nothing outlives it. */
	pid: number | undefined;
};

export type LineStream = {done: Promise<StreamEnd>; stop(): void};

/**
 * Follows a long-running command (`docker logs -f`, `kubectl logs -f`) and hands each line over as it arrives.
 *
 * Lines are consumed by transforms that yield nothing, instead of `for await` over the subprocess: breaking out of
 * such a loop or killing the child makes the loop itself throw (stack-notes §7), and the transforms also keep
 * nothing in memory however long the follow lasts. `done` resolves once the child has exited (stop() sends
 * SIGTERM, then SIGKILL after 2 s), so after it nothing is left running; it rejects only when the tool is missing.
 */
export function streamLines(spec: CommandSpec, options: StreamOptions): LineStream {
	const controller = new AbortController();
	const abort = () => controller.abort();
	options.signal.addEventListener('abort', abort, {once: true});
	if (options.signal.aborted) controller.abort();

	const sink = (stream: OutputLine['stream']) =>
		function* (line: unknown): Generator<unknown, void, void> {
			options.onLine({line: String(line), stream});
		};

	const done = (async (): Promise<StreamEnd> => {
		try {
			// Loaded when a follow starts, as in runCommand: start-up does not pay for execa.
			const {execa} = await import('execa');
			const subprocess = execa(spec.file, spec.args, {
				env: withUserPath(childEnvironment(options.env)),
				extendEnv: false,
				cancelSignal: controller.signal,
				reject: false,
				stdin: 'ignore',
				stdout: sink('stdout'),
				stderr: sink('stderr'),
				forceKillAfterDelay: 2000,
			});
			const result = await subprocess;
			if (result.failed && result.exitCode === undefined && (result as {code?: string}).code === 'ENOENT') throw notOnPath(spec.file);
			const stopped = controller.signal.aborted;
			return {exitCode: stopped ? undefined : (result.exitCode ?? 1), stopped, pid: subprocess.pid};
		} finally {
			options.signal.removeEventListener('abort', abort);
		}
	})();

	return {done, stop: abort};
}
