/**
 * Typed errors carry their exit code, so only cli.tsx decides how a run ends.
 * Exit codes are part of the public contract (DESIGN.md): other tools depend on them.
 */
export const exitCodes = {
	ok: 0,
	stepFailed: 1,
	usage: 2,
	notConfirmed: 3,
	interrupted: 130,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

export class WizardError extends Error {
	constructor(
		message: string,
		readonly exitCode: ExitCode,
	) {
		super(message);
		this.name = new.target.name;
	}
}

/** Bad usage or input: the message names the field, the value and the fix, in one or two lines. */
export class UsageError extends WizardError {
	constructor(message: string) {
		super(message, exitCodes.usage);
	}
}

/**
 * Builds the standard bad-input message: "<field>: <value> <problem>. <fix>".
 * Callers must never pass secret values here; pass a description instead.
 */
export function badInput(field: string, value: string, problem: string, fix: string): UsageError {
	const shown = value === '' ? '(empty)' : JSON.stringify(value);
	return new UsageError(`${field}: ${shown} ${problem}. ${fix}`);
}

export class StepFailedError extends WizardError {
	constructor(
		message: string,
		readonly stepId?: string,
		readonly hint?: string,
	) {
		super(message, exitCodes.stepFailed);
	}
}

export class NotConfirmedError extends WizardError {
	constructor(
		message: string,
		readonly lastLines: string[] = [],
		readonly hint?: string,
	) {
		super(message, exitCodes.notConfirmed);
	}
}

export class InterruptedError extends WizardError {
	constructor(message = 'Interrupted; progress is saved. Continue with: mtls-wizard resume') {
		super(message, exitCodes.interrupted);
	}
}
