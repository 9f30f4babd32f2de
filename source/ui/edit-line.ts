import type {Key} from 'ink';

/** A one-line text being edited: its value and where the cursor is (0 = before the first character). */
export type Line = {value: string; cursor: number};

/** The line after one input event, and whether that event submitted it (Enter, or a paste ending in a newline). */
export type Edited = {line: Line; submitted: boolean};

const insert = (line: Line, text: string): Line => ({
	value: line.value.slice(0, line.cursor) + text + line.value.slice(line.cursor),
	cursor: line.cursor + text.length,
});

const deleteBefore = (line: Line, from: number): Line => ({value: line.value.slice(0, from) + line.value.slice(line.cursor), cursor: from});

/** Where Ctrl-W deletes back to: the start of the word before the cursor, spaces before it included (as readline). */
function wordStart(line: Line): number {
	let at = line.cursor;
	while (at > 0 && line.value[at - 1] === ' ') at--;
	while (at > 0 && line.value[at - 1] !== ' ') at--;
	return at;
}

/** The editing keys as single control characters, whether they come alone or inside a burst of typed text. */
function applyControl(line: Line, character: string): Line | 'submit' | undefined {
	switch (character) {
		case '\r':
		case '\n': {
			return 'submit';
		}

		case '\u007F':
		case '\b': {
			return line.cursor > 0 ? deleteBefore(line, line.cursor - 1) : line;
		}

		case '\u0015': {
			return deleteBefore(line, 0);
		}

		case '\u0017': {
			return deleteBefore(line, wordStart(line));
		}

		case '\u0001': {
			return {...line, cursor: 0};
		}

		case '\u0005': {
			return {...line, cursor: line.value.length};
		}

		default: {
			return undefined;
		}
	}
}

/**
 * Applies text that arrived in one chunk character by character, so keys typed faster than the screen renders
 * (or pasted) keep their order and editing keys among them still edit. A newline submits what came before it;
 * anything after it is not part of this answer.
 */
function applyText(line: Line, text: string): Edited {
	let current = line;
	for (const character of text) {
		const controlled = applyControl(current, character);
		if (controlled === 'submit') return {line: current, submitted: true};
		if (controlled) current = controlled;
		else if (character >= ' ') current = insert(current, character);
	}

	return {line: current, submitted: false};
}

/** The ctrl letters ink reports by name (Ctrl-U arrives as input 'u' with key.ctrl). */
const ctrlLetters: Record<string, string> = {a: '\u0001', e: '\u0005', u: '\u0015', w: '\u0017', h: '\b'};

/** One input event as ink's useInput reports it. */
export function editLine(line: Line, input: string, key: Key): Edited {
	const unchanged = {line, submitted: false};
	if (key.return) return {line, submitted: true};
	if (key.backspace || key.delete) return applyText(line, '\u007F');
	if (key.leftArrow) return {line: {...line, cursor: Math.max(0, line.cursor - 1)}, submitted: false};
	if (key.rightArrow) return {line: {...line, cursor: Math.min(line.value.length, line.cursor + 1)}, submitted: false};
	if (key.home) return {line: {...line, cursor: 0}, submitted: false};
	if (key.end) return {line: {...line, cursor: line.value.length}, submitted: false};
	if (key.ctrl) {
		const control = ctrlLetters[input];
		return control ? applyText(line, control) : unchanged;
	}

	if (key.meta || key.escape || key.tab || key.upArrow || key.downArrow || key.pageUp || key.pageDown) return unchanged;
	return applyText(line, input);
}
