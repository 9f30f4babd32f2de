import {StepFailedError} from '../errors.js';
import type {MaybeSecret} from '../plan/types.js';
import type {SecretResolver} from './secret-values.js';

/** docker --env-file format: KEY=value per line, taken literally (no quotes, no escapes, so no newlines). */
export function renderEnvFile(entries: Record<string, MaybeSecret>, resolve: SecretResolver, path: string): string {
	const lines = Object.entries(entries).map(([key, value]) => {
		const text = resolve(value);
		if (/[\r\n]/.test(text)) {
			const shown = typeof value === 'string' ? `the value of ${key}` : `the secret answer '${value.secret}'`;
			throw new StepFailedError(`${path}: ${shown} holds a line break, which an env file cannot carry.`);
		}

		return `${key}=${text}`;
	});
	return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
