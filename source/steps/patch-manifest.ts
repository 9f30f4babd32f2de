import {parse, parseAllDocuments, stringify} from 'yaml';
import {StepFailedError} from '../errors.js';
import type {ManifestPatch} from '../plan/types.js';
import {resolveValueTree} from './render-file.js';
import type {SecretResolver} from './secret-values.js';

/*
 * Semantics as documented on ManifestPatch (plan/types.ts): `path` is a JSON pointer (RFC 6901) into the first
 * document of the patch's kind and name. One extension: in an array, a segment that is not a number selects the
 * element whose `name` is that segment, so `/spec/template/spec/containers/delegate/env` survives reordering.
 */

type Json = null | boolean | number | string | Json[] | {[key: string]: Json};
type JsonObject = {[key: string]: Json};

class PatchError extends Error {}

function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function segments(path: string): string[] {
	return path
		.split('/')
		.slice(1)
		.map(s => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function child(node: Json, segment: string): Json | undefined {
	if (Array.isArray(node)) {
		if (/^\d+$/.test(segment)) return node[Number(segment)];
		return node.find(item => isObject(item) && item['name'] === segment);
	}

	return isObject(node) ? node[segment] : undefined;
}

function resolvePath(document: Json, path: string): Json {
	let node = document;
	for (const segment of segments(path)) {
		const next = child(node, segment);
		if (next === undefined) throw new PatchError(`${path} does not exist (no "${segment}")`);
		node = next;
	}

	return node;
}

/** The list at path, created (as an empty list in its parent map) when missing. */
function listAt(document: Json, path: string): Json[] {
	const parts = segments(path);
	const key = parts.pop();
	const parentPath = parts.length === 0 ? '' : `/${parts.map(p => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;
	const parent = parentPath === '' ? document : resolvePath(document, parentPath);
	if (key === undefined || !isObject(parent)) throw new PatchError(`${path} is not inside a map`);
	const existing = parent[key];
	if (existing === undefined || existing === null) {
		const list: Json[] = [];
		parent[key] = list;
		return list;
	}

	if (!Array.isArray(existing)) throw new PatchError(`${path} is not a list`);
	return existing;
}

function upsert(list: Json[], item: Json, same: (existing: JsonObject) => boolean): void {
	const index = list.findIndex(existing => isObject(existing) && same(existing));
	if (index === -1) list.push(item);
	else list[index] = item;
}

function setAt(document: Json, path: string, value: Json): void {
	const parts = segments(path);
	const last = parts.pop();
	if (last === undefined) throw new PatchError('the path is empty');
	let node = document;
	for (const segment of parts) {
		let next = child(node, segment);
		if (next === undefined && isObject(node)) {
			next = {};
			node[segment] = next;
		}

		if (next === undefined) throw new PatchError(`${path} does not exist (no "${segment}")`);
		node = next;
	}

	if (Array.isArray(node) && /^\d+$/.test(last)) node[Number(last)] = value;
	else if (isObject(node)) node[last] = value;
	else throw new PatchError(`${path}: its parent is not an object`);
}

function deepMerge(target: JsonObject, source: JsonObject): JsonObject {
	for (const [key, value] of Object.entries(source)) {
		const existing = target[key];
		target[key] = isObject(existing) && isObject(value) ? deepMerge(existing, value) : value;
	}

	return target;
}

function applyPatch(document: Json, patch: ManifestPatch, value: Json): void {
	switch (patch.op) {
		case 'merge-env': {
			const entries = Array.isArray(value) ? value : [value];
			const env = listAt(document, patch.path);
			for (const entry of entries) {
				if (!isObject(entry) || typeof entry['name'] !== 'string') throw new PatchError('merge-env needs a list of {name, value}');
				upsert(env, entry, e => e['name'] === entry['name']);
			}

			return;
		}

		case 'add-volume':
		case 'add-volume-mount': {
			if (!isObject(value) || typeof value['name'] !== 'string') throw new PatchError(`${patch.op} needs an entry with a name`);
			upsert(listAt(document, patch.path), value, v => v['name'] === value['name']);
			return;
		}

		case 'set': {
			setAt(document, patch.path, value);
			return;
		}

		case 'merge-config-yaml': {
			if (!isObject(value)) throw new PatchError('merge-config-yaml needs a map to merge');
			const text = resolvePath(document, patch.path);
			if (typeof text !== 'string') throw new PatchError(`${patch.path} is not a string holding YAML`);
			const parsed = (parse(text) ?? {}) as Json;
			if (!isObject(parsed)) throw new PatchError(`${patch.path} does not hold a YAML map`);
			setAt(document, patch.path, stringify(deepMerge(parsed, value), {lineWidth: 0}));
		}
	}
}

function describeTarget(patch: ManifestPatch): string {
	return patch.name ? `${patch.kind} ${patch.name}` : `a ${patch.kind}`;
}

/**
 * Applies the patches to a multi-document manifest and returns the patched YAML. The source is not touched;
 * every problem names the file, the document and the path.
 */
export function patchManifest(text: string, patches: ManifestPatch[], resolve: SecretResolver, source: string, stepId?: string): string {
	const values: Json[] = [];
	for (const document of parseAllDocuments(text)) {
		const [error] = document.errors;
		if (error) {
			const line = error.linePos?.[0].line;
			throw new StepFailedError(`${source}${line ? ` line ${line}` : ''} is not valid YAML: ${error.message.split('\n')[0]}`, stepId, 'Fix the manifest, or download it again.');
		}

		const value = document.toJS() as Json;
		if (value !== null) values.push(value);
	}

	for (const patch of patches) {
		const document = values.find(d => isObject(d) && d['kind'] === patch.kind && (!patch.name || (isObject(d['metadata']) && d['metadata']['name'] === patch.name)));
		if (!document) {
			throw new StepFailedError(`${source} has no ${describeTarget(patch)} to patch (${patch.description}).`, stepId, 'Check that this is the manifest the recipe expects and that its names match your answers.');
		}

		try {
			applyPatch(document, patch, resolveValueTree(patch.value, resolve) as Json);
		} catch (error) {
			if (!(error instanceof PatchError)) throw error;
			throw new StepFailedError(`${source}: cannot ${patch.description} in ${describeTarget(patch)}: ${error.message}.`, stepId, 'Check that this is the manifest the recipe expects.');
		}
	}

	return values.map(value => stringify(value, {lineWidth: 0})).join('---\n');
}
