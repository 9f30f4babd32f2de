import {runCommandChecked} from '../../../source/exec/run-command.js';
import type {CommandResult, CommandSpec} from '../../../source/exec/types.js';
import type {StepContext} from '../../../source/steps/types.js';

export type RecordedLine = {line: string; stream: string};
export type RecordingContext = StepContext & {lines: RecordedLine[]; abort(): void};

type ContextOptions = {
	env?: NodeJS.ProcessEnv;
	secrets?: Record<string, string>;
	/**
	 * Ends a confirmation step's wait once the recorded lines satisfy this, in place of its wall-clock timeout:
	 * a test of what a timeout reports waits for the lines it expects, however slowly the machine delivers them.
	 */
	timeOutWhen?: (lines: RecordedLine[]) => boolean;
};

function contextRunning(
	run: (command: CommandSpec, options: {env: NodeJS.ProcessEnv; signal: AbortSignal; record: (line: RecordedLine) => void}) => Promise<CommandResult>,
	{env = process.env, secrets = {}, timeOutWhen}: ContextOptions,
): RecordingContext {
	const controller = new AbortController();
	const deadline = new AbortController();
	const lines: RecordedLine[] = [];
	const record = (line: RecordedLine) => {
		lines.push(line);
		if (timeOutWhen?.(lines)) deadline.abort();
	};

	return {
		secrets,
		env,
		signal: controller.signal,
		lines,
		abort: () => controller.abort(),
		output: record,
		waitingFor(description, timeoutSeconds) {
			record({line: `waiting up to ${timeoutSeconds}s for ${description}`, stream: 'waiting-for'});
		},
		...(timeOutWhen ? {deadline: () => deadline.signal} : {}),
		async run(command) {
			return run(command, {env, signal: controller.signal, record});
		},
	};
}

/** A StepContext for calling one runner directly: output is recorded, and running a command through it fails the test. */
export function recordingContext(options: ContextOptions = {}): RecordingContext {
	return contextRunning(async command => {
		throw new Error(`this runner must not run commands through the context (it ran ${command.file})`);
	}, options);
}

/** A StepContext that runs commands for real through the exec layer, as the engine does, recording their output. */
export function execContext(options: ContextOptions = {}): RecordingContext {
	return contextRunning(async (command, {env, signal, record}) => runCommandChecked(command, {env, signal, onLine: record}), options);
}
