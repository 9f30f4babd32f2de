/**
 * A shell command laid out in lines of at most `width` columns that still paste into a POSIX shell as the same
 * command: lines break between arguments and end with ` \`. `first` prefixes the first line (e.g. `$ `), `rest`
 * the others. Only an argument wider than a whole line is broken, and then where the shell joins it back (a
 * backslash-newline, which the shell removes, and the next row starting at column 0), never cut.
 */
export function wrapCommand(command: string, width: number, first = '', rest = first): string[] {
	const words = pieces(shellWords(command), width - rest.length - 2);
	const lines: string[] = [];
	let line = first;
	for (const [index, word] of words.entries()) {
		const last = index === words.length - 1;
		const tail = last ? 0 : 2;
		if (line !== first) {
			if (line.length + 1 + word.length + tail <= width) {
				line += ` ${word}`;
				continue;
			}

			lines.push(`${line} \\`);
			line = rest;
		}

		if (line.length + word.length + tail <= width) {
			line += word;
			continue;
		}

		const rows = breakWord(word, width - line.length - tail, width - tail);
		for (const row of rows.slice(0, -1)) {
			lines.push(line + row);
			line = '';
		}

		line += rows.at(-1)!;
	}

	lines.push(line);
	return lines;
}

/**
 * An option and its value (`--set key=value`, `-n demo`) stay on one line where they fit on one: a line that
 * starts with a value whose option ended the line above reads as a different command, though the shell reads
 * the same one.
 */
function pieces(words: string[], room: number): string[] {
	const joined: string[] = [];
	for (let i = 0; i < words.length; i++) {
		const word = words[i]!;
		const value = words[i + 1];
		if (/^-[\w-]+$/.test(word) && value !== undefined && !value.startsWith('-') && word.length + 1 + value.length <= room) {
			joined.push(`${word} ${value}`);
			i++;
		} else {
			joined.push(word);
		}
	}

	return joined;
}

/** Words as the shell splits them: at spaces outside quotes. quoteCommand joins words with single spaces. */
export function shellWords(command: string): string[] {
	const words: string[] = [];
	let word = '';
	let quote: "'" | '"' | undefined;
	for (let i = 0; i < command.length; i++) {
		const char = command[i]!;
		if (quote === undefined && /\s/.test(char)) {
			if (word !== '') words.push(word);
			word = '';
			continue;
		}

		word += char;
		if (char === '\\' && quote !== "'" && i + 1 < command.length) {
			word += command[++i];
		} else if (quote === undefined && (char === "'" || char === '"')) {
			quote = char;
		} else if (char === quote) {
			quote = undefined;
		}
	}

	if (word !== '') words.push(word);
	return words;
}

/**
 * Splits one word into rows the shell rejoins: each row but the last ends with `\` (inside single quotes, where a
 * backslash is literal, the quote is closed first and reopened on the next row). The first row has `room`
 * columns, the others `width`.
 */
function breakWord(word: string, room: number, width: number): string[] {
	const rows: string[] = [];
	let rest = word;
	let available = room;
	let reopen = '';
	while (reopen.length + rest.length > available) {
		const piece = reopen + rest;
		// A reopened quote is not progress: the break must fall after it.
		const cut = breakPoint(piece, available, reopen.length + 1, width);
		if (cut === undefined) break;
		rows.push(piece.slice(0, cut.at) + (cut.inSingleQuotes ? "'\\" : '\\'));
		reopen = cut.inSingleQuotes ? "'" : '';
		rest = piece.slice(cut.at);
		available = width;
	}

	rows.push(reopen + rest);
	return rows;
}

/**
 * Where in `piece` the shell can rejoin a broken word, from `from` on, leaving 2 of `room` columns for the
 * continuation. Best is after an `=` when what follows fits the next row (`next` columns) whole, so a path
 * (`--from-file=tls.key=/path`) stays in one piece; otherwise after a `/`, `=` or `,` close to the end of the room.
 */
function breakPoint(piece: string, room: number, from: number, next: number): {at: number; inSingleQuotes: boolean} | undefined {
	const allowed: Array<{at: number; inSingleQuotes: boolean; after: string}> = [];
	let quote: "'" | '"' | undefined;
	for (let i = 0; i < piece.length; i++) {
		const char = piece[i]!;
		// `i` is a break before piece[i]: fine outside quotes and inside single quotes, never inside "…" or after an escape.
		if (i >= from && i <= room - 2 && quote !== '"' && piece[i - 1] !== '\\') {
			allowed.push({at: i, inSingleQuotes: quote === "'", after: piece[i - 1]!});
		}

		if (char === '\\' && quote !== "'") i++;
		else if (quote === undefined && (char === "'" || char === '"')) quote = char;
		else if (char === quote) quote = undefined;
	}

	const whole = allowed.findLast(point => point.after === '=' && piece.length - point.at + (point.inSingleQuotes ? 1 : 0) <= next);
	if (whole) return whole;
	const last = allowed.at(-1);
	if (!last) return undefined;
	const separator = allowed.findLast(point => /[/=,]/.test(point.after));
	return separator && separator.at > last.at - 16 ? separator : last;
}
