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
