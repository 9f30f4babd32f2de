/** ['targets', 'helm', 'steps', 2, 'kind'] → targets.helm.steps[2].kind, as error messages name a field. */
export function formatFieldPath(segments: ReadonlyArray<PropertyKey>): string {
	let out = '';
	for (const segment of segments) {
		if (typeof segment === 'number') out += `[${segment}]`;
		else out += out === '' ? String(segment) : `.${String(segment)}`;
	}

	return out;
}
