import type {ValueTree} from './types.js';

/** Maps merge key by key; anything else (lists included) is replaced by the overlay. */
export function deepMerge(base: ValueTree, overlay: ValueTree): ValueTree {
	const out: ValueTree = {...base};
	for (const [key, value] of Object.entries(overlay)) {
		const current = out[key];
		out[key] = isMap(current) && isMap(value) ? deepMerge(current, value) : value;
	}

	return out;
}

function isMap(value: unknown): value is ValueTree {
	return typeof value === 'object' && value !== null && !Array.isArray(value) && !('secret' in value && Object.keys(value).length === 1);
}
