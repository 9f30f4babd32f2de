import {runCommandChecked} from '../../source/exec/run-command.js';
import type {StepContext} from '../../source/steps/types.js';

/** A StepContext that runs commands for real through the exec layer, as the engine does. */
export function execContext(env: NodeJS.ProcessEnv, secrets: Record<string, string> = {}): StepContext & {lines: string[]} {
	const lines: string[] = [];
	const signal = new AbortController().signal;
	return {
		lines,
		secrets,
		env,
		signal,
		output(line) {
			lines.push(line.line);
		},
		waitingFor(description, timeoutSeconds) {
			lines.push(`waiting up to ${timeoutSeconds}s for ${description}`);
		},
		async run(command) {
			return runCommandChecked(command, {env, signal, onLine: line => lines.push(line.line)});
		},
	};
}
