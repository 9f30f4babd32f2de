import type {StepContext} from '../../../source/steps/types.js';

export type RecordingContext = StepContext & {lines: Array<{line: string; stream: string}>; abort(): void};

/** A StepContext for calling one runner directly: output is recorded, commands must not be run through it. */
export function recordingContext(env: NodeJS.ProcessEnv = process.env): RecordingContext {
	const controller = new AbortController();
	const lines: Array<{line: string; stream: string}> = [];
	return {
		secrets: {},
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
		async run() {
			throw new Error('this runner must not run commands through the context');
		},
	};
}
