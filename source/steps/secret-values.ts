import {StepFailedError} from '../errors.js';
import {redactedMark} from '../exec/redact.js';
import type {MaybeSecret, SecretRef} from '../plan/types.js';

/** Turns a MaybeSecret into text: the real value when running, <redacted> for previews. */
export type SecretResolver = (value: MaybeSecret) => string;

export function isSecretRef(value: unknown): value is {secret: string} {
	return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as {secret?: unknown}).secret === 'string';
}

/** Resolves SecretRefs from the in-memory secret answers; a missing one names the answer, never a value. */
export function secretResolver(secrets: Readonly<Record<string, string>>, stepId?: string): SecretResolver {
	return value => {
		if (typeof value === 'string') return value;
		const resolved = secrets[value.secret];
		if (resolved === undefined) {
			throw new StepFailedError(
				`The secret answer '${value.secret}' is not available (secret answers are never saved).`,
				stepId,
				`Give it again, e.g. --set ${value.secret}=... or in the --answers file.`,
			);
		}

		return resolved;
	};
}

export const redactingResolver: SecretResolver = value => (typeof value === 'string' ? value : redactedMark);

/** The secret values for a bare `-e NAME`, resolved for the one command that needs them. */
export function secretEnvValues(secretEnv: Record<string, SecretRef>, secrets: Readonly<Record<string, string>>, stepId: string): Record<string, string> {
	const resolve = secretResolver(secrets, stepId);
	return Object.fromEntries(Object.entries(secretEnv).map(([name, ref]) => [name, resolve(ref)]));
}
