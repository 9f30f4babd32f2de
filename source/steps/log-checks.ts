import {StepFailedError} from '../errors.js';
import type {FailurePattern, LogPattern, WaitForLogStep} from '../plan/types.js';

/*
 * CSI sequences (colours, cursor moves: ESC [ params intermediates final), OSC sequences (titles, links:
 * ESC ] ... BEL or ESC \) and the remaining two-character escapes. Portainer's zerolog writer colours its
 * lines even when nobody is looking (platforms.md §2.4), and C1 CSI (0x9b) shows up in some Java loggers.
 */
const escapeSequences = /\u001B\[[0-?]*[ -/]*[@-~]|\u009B[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)|\u001B[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
	return text.replace(escapeSequences, '');
}

export type LogChecks = {
	success: Array<{regex: RegExp; pattern: LogPattern}>;
	failures: Array<{regex: RegExp; pattern: FailurePattern}>;
};

export type LineVerdict =
	| {verdict: 'success'; pattern: LogPattern}
	| {verdict: 'failure'; pattern: FailurePattern}
	| {verdict: 'transient'; pattern: FailurePattern}
	| undefined;

function compile(stepId: string, source: string): RegExp {
	try {
		return new RegExp(source);
	} catch (error) {
		throw new StepFailedError(
			`${stepId}: the log pattern ${JSON.stringify(source)} is not a valid regular expression (${(error as Error).message})`,
			stepId,
			'Fix the pattern in the recipe file.',
		);
	}
}

export function compileLogChecks(step: Pick<WaitForLogStep, 'id' | 'success' | 'failures'>): LogChecks {
	return {
		success: step.success.map(pattern => ({regex: compile(step.id, pattern.pattern), pattern})),
		failures: step.failures.map(pattern => ({regex: compile(step.id, pattern.pattern), pattern})),
	};
}

/**
 * Judges one log line with its colour codes stripped. Failure patterns win over success patterns (a line
 * that says both is a failure), and any one success pattern confirms: recipes list alternatives, such as a
 * product's current and legacy startup lines. A transient failure decides nothing; the caller remembers it.
 */
export function judgeLine(line: string, checks: LogChecks): LineVerdict {
	const plain = stripAnsi(line);
	const failure = checks.failures.find(check => check.regex.test(plain));
	if (failure) return {verdict: failure.pattern.transient ? 'transient' : 'failure', pattern: failure.pattern};
	const success = checks.success.find(check => check.regex.test(plain));
	if (success) return {verdict: 'success', pattern: success.pattern};
	return undefined;
}
