import {basename} from 'node:path';

export type FilesByEnd = Map<string, Map<number, Set<string>>>;

/** Files grouped by their base name, then by their length: what namedFiles looks for. */
export function filesByEnd(files: string[]): FilesByEnd {
	const grouped: FilesByEnd = new Map();
	for (const file of files) {
		const byLength = grouped.get(basename(file)) ?? new Map<number, Set<string>>();
		byLength.set(file.length, (byLength.get(file.length) ?? new Set()).add(file));
		grouped.set(basename(file), byLength);
	}

	return grouped;
}

/**
 * The files whose path occurs in text. A fleet's files share a few base names (client.key): each occurrence of one is
 * checked against the files ending there, so a step naming N agents' files costs one pass over its text per base
 * name, not a search of the text per file (N files by a text N files long).
 */
export function namedFiles(text: string, byEnd: FilesByEnd): string[] {
	const found = new Set<string>();
	for (const [name, byLength] of byEnd) {
		for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
			const end = at + name.length;
			for (const [length, files] of byLength) {
				const candidate = end >= length ? text.slice(end - length, end) : undefined;
				if (candidate !== undefined && files.has(candidate)) found.add(candidate);
			}
		}
	}

	return [...found];
}
