import {stringify} from 'yaml';
import {StepFailedError} from '../errors.js';
import type {FileToWrite, MaybeSecret, ValueTree} from '../plan/types.js';
import {isSecretRef, type SecretResolver} from './secret-values.js';

type TreeValue = ValueTree | ValueTree[] | MaybeSecret | number | boolean | null;

function resolveTree(value: TreeValue, resolve: SecretResolver): unknown {
	if (typeof value === 'string' || isSecretRef(value)) return resolve(value);
	if (Array.isArray(value)) return value.map(item => resolveTree(item, resolve));
	if (value !== null && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveTree(item, resolve)]));
	}

	return value;
}

function treeHoldsSecret(value: TreeValue): boolean {
	if (isSecretRef(value)) return true;
	if (Array.isArray(value)) return value.some(item => treeHoldsSecret(item));
	if (value !== null && typeof value === 'object') return Object.values(value).some(item => treeHoldsSecret(item));
	return false;
}

export function resolveValueTree(tree: ValueTree | ValueTree[] | string, resolve: SecretResolver): unknown {
	return resolveTree(tree, resolve);
}

function holdsSecret(contents: FileToWrite['contents'] | TreeValue): boolean {
	if (typeof contents === 'object' && contents !== null && 'envFile' in contents && !isSecretRef(contents)) {
		return Object.values(contents.envFile as Record<string, MaybeSecret>).some(value => isSecretRef(value));
	}

	return treeHoldsSecret(contents as TreeValue);
}

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

export function renderContents(file: FileToWrite, resolve: SecretResolver): string {
	const {contents} = file;
	if (typeof contents === 'string') return contents;
	if ('envFile' in contents && !isSecretRef(contents)) return renderEnvFile(contents.envFile as Record<string, MaybeSecret>, resolve, file.path);
	return stringify(resolveTree((contents as {yaml: ValueTree}).yaml, resolve), {lineWidth: 0});
}

/** A file holding a secret is never wider than 0600, whatever the plan asked. */
export function effectiveMode(file: FileToWrite): number {
	return holdsSecret(file.contents) ? file.mode & 0o600 : file.mode;
}
