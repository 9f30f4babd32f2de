import {ApiError} from './store.js';

type Json = null | boolean | number | string | Json[] | {[key: string]: Json};
type JsonObject = {[key: string]: Json};

const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Applies a PATCH body according to its Content-Type, as kubectl and helm send them. */
export function applyPatch(contentType: string, target: JsonObject, patch: Json): JsonObject {
	const type = contentType.split(';')[0]?.trim();
	switch (type) {
		case 'application/strategic-merge-patch+json':
			return asObject(strategicMerge(target, patch));
		case 'application/merge-patch+json':
			return asObject(mergePatch(target, patch));
		case 'application/json-patch+json':
			return asObject(jsonPatch(target, patch));
		default:
			throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got ${type})`);
	}
}

function asObject(value: Json): JsonObject {
	if (!isObject(value)) {
		throw new ApiError(422, 'Invalid', 'the patch turned the object into something that is not an object');
	}
	return value;
}

/** RFC 7386. */
export function mergePatch(target: Json, patch: Json): Json {
	if (!isObject(patch)) {
		return patch;
	}
	const result: JsonObject = isObject(target) ? {...target} : {};
	for (const [key, value] of Object.entries(patch)) {
		if (value === null) {
			delete result[key];
		} else {
			result[key] = mergePatch(result[key] ?? null, value);
		}
	}
	return result;
}

/**
 * Merge keys of the list fields kubectl and helm patch, taken from the core/apps API types'
 * patchMergeKey tags. Lists not named here are replaced, as for fields without a merge strategy.
 */
const mergeKeys: Record<string, string | ((element: JsonObject) => string)> = {
	containers: 'name',
	initContainers: 'name',
	ephemeralContainers: 'name',
	env: 'name',
	volumes: 'name',
	volumeMounts: 'mountPath',
	volumeDevices: 'devicePath',
	imagePullSecrets: 'name',
	hostAliases: 'ip',
	ownerReferences: 'uid',
	conditions: 'type',
	topologySpreadConstraints: 'topologyKey',
	ports: element => ('containerPort' in element ? 'containerPort' : 'port'),
};
const mergedPrimitiveLists = new Set(['finalizers']);

/** Strategic merge patch with the directives client-go generates ($patch, $setElementOrder, $retainKeys, $deleteFromPrimitiveList). */
export function strategicMerge(target: Json, patch: Json): Json {
	if (!isObject(patch)) {
		return patch;
	}
	if (patch.$patch === 'replace') {
		const {$patch: _ignored, ...rest} = patch;
		return rest;
	}
	const result: JsonObject = isObject(target) ? {...target} : {};
	const orders: Array<[string, Json[]]> = [];
	for (const [key, value] of Object.entries(patch)) {
		if (key === '$patch' || key === '$retainKeys') {
			continue;
		}
		if (key.startsWith('$setElementOrder/')) {
			orders.push([key.slice('$setElementOrder/'.length), Array.isArray(value) ? value : []]);
			continue;
		}
		if (key.startsWith('$deleteFromPrimitiveList/')) {
			const field = key.slice('$deleteFromPrimitiveList/'.length);
			const current = result[field];
			if (Array.isArray(current) && Array.isArray(value)) {
				result[field] = current.filter(item => !value.some(removed => removed === item));
			}
			continue;
		}
		if (value === null || (isObject(value) && value.$patch === 'delete')) {
			delete result[key];
			continue;
		}
		const current = result[key] ?? null;
		result[key] = Array.isArray(value) ? mergeList(key, current, value) : strategicMerge(current, value);
	}
	for (const [field, order] of orders) {
		const list = result[field];
		if (Array.isArray(list)) {
			result[field] = reorder(field, list, order);
		}
	}
	if (Array.isArray(patch.$retainKeys)) {
		const keep = new Set(patch.$retainKeys.map(String));
		for (const key of Object.keys(result)) {
			if (!keep.has(key)) delete result[key];
		}
	}
	return result;
}

function keyFor(field: string, element: JsonObject): string | undefined {
	const key = mergeKeys[field];
	return typeof key === 'function' ? key(element) : key;
}

function mergeList(field: string, current: Json, patch: Json[]): Json[] {
	const existing = Array.isArray(current) ? current : [];
	if (patch.some(item => isObject(item) && item.$patch === 'replace')) {
		return patch.filter(item => !(isObject(item) && item.$patch === 'replace'));
	}
	if (patch.every(item => !isObject(item))) {
		return mergedPrimitiveLists.has(field) ? [...existing, ...patch.filter(item => !existing.includes(item))] : patch;
	}
	const first = patch.find(isObject);
	const key = first && keyFor(field, first);
	if (!key) {
		return patch;
	}
	const result = [...existing];
	for (const item of patch) {
		if (!isObject(item)) continue;
		const index = result.findIndex(element => isObject(element) && element[key] === item[key]);
		if (item.$patch === 'delete') {
			if (index >= 0) result.splice(index, 1);
			continue;
		}
		if (index >= 0) {
			result[index] = strategicMerge(result[index] ?? null, item);
		} else {
			result.push(strategicMerge(null, item));
		}
	}
	return result;
}

function reorder(field: string, list: Json[], order: Json[]): Json[] {
	const position = (element: Json): number => {
		const index = order.findIndex(entry => {
			if (!isObject(element) || !isObject(entry)) return entry === element;
			const key = keyFor(field, element);
			return key !== undefined && entry[key] === element[key];
		});
		return index < 0 ? order.length : index;
	};
	return [...list].sort((a, b) => position(a) - position(b));
}

/** RFC 6902. */
export function jsonPatch(target: Json, operations: Json): Json {
	if (!Array.isArray(operations)) {
		throw new ApiError(400, 'BadRequest', 'a JSON patch must be a list of operations');
	}
	let document = structuredClone(target);
	for (const operation of operations) {
		if (!isObject(operation) || typeof operation.op !== 'string' || typeof operation.path !== 'string') {
			throw new ApiError(400, 'BadRequest', 'a JSON patch operation needs op and path');
		}
		const path = pointer(operation.path);
		switch (operation.op) {
			case 'add':
				document = put(document, path, operation.value ?? null, true);
				break;
			case 'replace':
				read(document, path);
				document = put(document, path, operation.value ?? null, false);
				break;
			case 'remove':
				document = remove(document, path);
				break;
			case 'move': {
				const from = pointer(String(operation.from));
				const value = read(document, from);
				document = put(remove(document, from), path, value, true);
				break;
			}
			case 'copy':
				document = put(document, path, structuredClone(read(document, pointer(String(operation.from)))), true);
				break;
			case 'test':
				if (JSON.stringify(read(document, path)) !== JSON.stringify(operation.value)) {
					throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: test operation failed at ${operation.path}`);
				}
				break;
			default:
				throw new ApiError(400, 'BadRequest', `unknown JSON patch operation ${operation.op}`);
		}
	}
	return document;
}

function pointer(path: string): string[] {
	if (path === '') return [];
	return path.slice(1).split('/').map(segment => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function read(document: Json, path: string[]): Json {
	let current: Json = document;
	for (const segment of path) {
		const next: Json | undefined = Array.isArray(current) ? current[Number(segment)] : isObject(current) ? current[segment] : undefined;
		if (next === undefined) {
			throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: path /${path.join('/')} does not exist`);
		}
		current = next;
	}
	return current;
}

function put(document: Json, path: string[], value: Json, insert: boolean): Json {
	if (path.length === 0) return value;
	const parent = read(document, path.slice(0, -1));
	const last = path.at(-1) ?? '';
	if (Array.isArray(parent)) {
		const index = last === '-' ? parent.length : Number(last);
		parent.splice(index, insert ? 0 : 1, value);
	} else if (isObject(parent)) {
		parent[last] = value;
	} else {
		throw new ApiError(422, 'Invalid', `cannot add at /${path.join('/')}`);
	}
	return document;
}

function remove(document: Json, path: string[]): Json {
	read(document, path);
	const parent = read(document, path.slice(0, -1));
	const last = path.at(-1) ?? '';
	if (Array.isArray(parent)) parent.splice(Number(last), 1);
	else if (isObject(parent)) delete parent[last];
	return document;
}

export type {Json, JsonObject};
