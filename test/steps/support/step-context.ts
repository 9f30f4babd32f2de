import {runCommandChecked} from '../../../source/exec/run-command.js';
import type {CommandResult, CommandSpec} from '../../../source/exec/types.js';
import type {StepContext} from '../../../source/steps/types.js';

export type RecordedLine = {line: string; stream: string};
export type RecordingContext = StepContext & {lines: RecordedLine[]; abort(): void};

type ContextOptions = {env?: NodeJS.ProcessEnv; secrets?: Record<string, string>};

function contextRunning(
	run: (command: CommandSpec, options: {env: NodeJS.ProcessEnv; signal: AbortSignal; lines: RecordedLine[]}) => Promise<CommandResult>,
	{env = process.env, secrets = {}}: ContextOptions,
): RecordingContext {
	const controller = new AbortController();
	const lines: RecordedLine[] = [];
	return {
		secrets,
		env,
		signal: controller.signal,
		lines,
		abort: () => controller.abort(),
		output(line) {
			lines.push(line);
		},
		waitingFor(description, timeoutSeconds) {
			lines.push({line: `waiting up to ${timeoutSeconds}s for ${description}`, stream: 'waiting-for'});
		},
		async run(command) {
			return run(command, {env, signal: controller.signal, lines});
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
	return contextRunning(async (command, {env, signal, lines}) => runCommandChecked(command, {env, signal, onLine: line => lines.push(line)}), options);
}
