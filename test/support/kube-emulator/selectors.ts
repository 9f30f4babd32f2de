/** Label and field selectors in the string forms kubectl and client-go send. */
export type KubeObject = {
	apiVersion?: string;
	kind?: string;
	metadata: {
		name: string;
		namespace?: string;
		uid?: string;
		resourceVersion?: string;
		generation?: number;
		creationTimestamp?: string;
		labels?: Record<string, string>;
		annotations?: Record<string, string>;
		ownerReferences?: OwnerReference[];
		generateName?: string;
		[key: string]: unknown;
	};
	[key: string]: unknown;
};

export type OwnerReference = {apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean};

type Requirement = (labels: Record<string, string>) => boolean;

/** Parses a label selector; throws on syntax the emulator does not understand so a test sees it. */
export function parseLabelSelector(selector: string | null): Requirement {
	if (!selector) {
		return () => true;
	}
	const requirements = splitTopLevel(selector).map(parseRequirement);
	return labels => requirements.every(requirement => requirement(labels));
}

function splitTopLevel(selector: string): string[] {
	const parts: string[] = [];
	let depth = 0;
	let current = '';
	for (const char of selector) {
		if (char === '(') depth++;
		if (char === ')') depth--;
		if (char === ',' && depth === 0) {
			parts.push(current.trim());
			current = '';
			continue;
		}
		current += char;
	}
	if (current.trim()) parts.push(current.trim());
	return parts;
}

function parseRequirement(text: string): Requirement {
	const set = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(text);
	if (set) {
		const [, key = '', op, list = ''] = set;
		const values = list.split(',').map(v => v.trim());
		return op === 'in' ? labels => key in labels && values.includes(labels[key] ?? '') : labels => !(key in labels) || !values.includes(labels[key] ?? '');
	}
	const comparison = /^([^\s!=]+)\s*(==|=|!=)\s*(.*)$/.exec(text);
	if (comparison) {
		const [, key = '', op, value = ''] = comparison;
		return op === '!=' ? labels => labels[key] !== value.trim() : labels => labels[key] === value.trim();
	}
	if (/^![^\s!=]+$/.test(text)) {
		return labels => !(text.slice(1) in labels);
	}
	if (/^[^\s!=()]+$/.test(text)) {
		return labels => text in labels;
	}
	throw new Error(`unable to parse requirement: ${text}`);
}

/** Builds a selector function from a LabelSelector object (spec.selector of workloads). */
export function matchesLabelSelector(selector: {matchLabels?: Record<string, string>; matchExpressions?: Array<{key: string; operator: string; values?: string[]}>} | undefined, labels: Record<string, string>): boolean {
	if (!selector) {
		return false;
	}
	for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
		if (labels[key] !== value) return false;
	}
	for (const expression of selector.matchExpressions ?? []) {
		const has = expression.key in labels;
		const inValues = (expression.values ?? []).includes(labels[expression.key] ?? '');
		const ok = {In: has && inValues, NotIn: !has || !inValues, Exists: has, DoesNotExist: !has}[expression.operator];
		if (!ok) return false;
	}
	return true;
}

export function labelSelectorString(selector: {matchLabels?: Record<string, string>} | undefined): string {
	return Object.entries(selector?.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`).join(',');
}

export function parseFieldSelector(selector: string | null): (object: KubeObject) => boolean {
	if (!selector) {
		return () => true;
	}
	const terms = selector.split(',').filter(Boolean).map(term => {
		const match = /^([^!=]+)(==|=|!=)(.*)$/.exec(term);
		if (!match) {
			throw new Error(`invalid field selector: ${term}`);
		}
		const [, path = '', op, value = ''] = match;
		return {path: path.split('.'), negate: op === '!=', value};
	});
	return object => terms.every(({path, negate, value}) => {
		let current: unknown = object;
		for (const segment of path) {
			current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[segment] : undefined;
		}
		const actual = current === undefined || current === null ? '' : String(current);
		return negate ? actual !== value : actual === value;
	});
}
