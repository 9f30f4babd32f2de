import type {OutputLine} from '../../source/exec/types.js';
import type {StepContext} from '../../source/steps/types.js';

/** A context for local steps: records output lines and refuses to run external commands. */
export function localContext(secrets: Record<string, string> = {}): StepContext & {lines: string[]} {
	const lines: string[] = [];
	return {
		lines,
		secrets,
		env: process.env,
		signal: new AbortController().signal,
		output(line: OutputLine | {line: string; stream: 'info'}) {
			lines.push(line.line);
		},
		waitingFor(description, timeoutSeconds) {
			lines.push(`waiting up to ${timeoutSeconds}s for ${description}`);
		},
		async run(command) {
			throw new Error(`a local step ran ${command.file}`);
		},
	};
}
