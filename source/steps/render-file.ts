import {stringify} from 'yaml';
import type {FileToWrite, MaybeSecret, ValueTree} from '../plan/types.js';
import {renderEnvFile} from './render-env-file.js';
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
