/**
 * Greedy word wrap to `width` columns, for text shown inside a fixed-height ScrollView (which cuts, never wraps,
 * so that its height holds). Words longer than a line are split. `first` prefixes the first line, `rest` the others.
 */
export function wrapText(text: string, width: number, first = '', rest = first): string[] {
	const lines: string[] = [];
	let line = first;
	let empty = true;
	const room = () => width - line.length;
	for (const word of text.split(/\s+/).filter(Boolean)) {
		let remaining = word;
		if (!empty && remaining.length + 1 > room()) {
			lines.push(line);
			line = rest;
			empty = true;
		}

		if (!empty) line += ' ';
		while (remaining.length > room() && room() > 0) {
			lines.push(line + remaining.slice(0, room()));
			remaining = remaining.slice(room());
			line = rest;
		}

		line += remaining;
		empty = false;
	}

	lines.push(line);
	return lines;
}

/** Wraps a line that may start with spaces: its rows keep that indentation, the rows after the first two more. */
export function wrapIndented(text: string, width: number): string[] {
	if (text.length <= width) return [text];
	const indent = ' '.repeat(/^ */.exec(text)![0].length);
	return wrapText(text, width, indent, `${indent}  `);
}

/**
 * Wraps a path as one piece, every character kept (spaces too): a row ends after a '/' where one falls in its second
 * half, else where the row ends. So the rows, without `first` and `rest`, join back into the exact path.
 */
export function wrapPath(path: string, width: number, first = '', rest = first): string[] {
	const lines: string[] = [];
	let prefix = first;
	let remaining = path;
	for (;;) {
		const room = Math.max(1, width - prefix.length);
		if (remaining.length <= room) {
			lines.push(prefix + remaining);
			return lines;
		}

		// A '/' early in the row would leave most of it empty.
		const slash = remaining.lastIndexOf('/', room - 1);
		const end = slash >= room / 2 ? slash + 1 : room;
		lines.push(prefix + remaining.slice(0, end));
		remaining = remaining.slice(end);
		prefix = rest;
	}
}
