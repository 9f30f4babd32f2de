import {quoteWord} from './shell-quote.js';

export const redactedMark = '<redacted>';

/** A PEM block, terminated or cut off by the end of the text; `\n` may be a real newline or a JSON-escaped one. */
export const pemBlock = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g;

/**
 * Values shorter than this are hidden only where they stand as a whole word (not next to a letter or digit).
 * A tool prints a value after `=`, `:`, a quote or a space, so a 3-character password is still hidden where it is
 * printed; hiding every "ab" inside "table" would garble the text and, by where the marks fell, give the value away.
 */
const shortestUnboundedMatch = 8;

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** JSON.stringify's escapes, and the ASCII-only form (`\u00f6`) some tools print. */
function jsonForms(secret: string): string[] {
	const escaped = JSON.stringify(secret).slice(1, -1);
	const ascii = escaped.replace(/[^\u0020-\u007e]/g, char => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
	return [escaped, ascii];
}

/** Every form a tool may print a secret in: raw, JSON-escaped, shell-quoted, base64 (standard and URL), URL-encoded. */
export function secretForms(secret: string): string[] {
	const forms = new Set<string>([secret, ...jsonForms(secret), quoteWord(secret), encodeURIComponent(secret)]);
	const base64 = Buffer.from(secret).toString('base64');
	forms.add(base64);
	forms.add(base64.replace(/=+$/, ''));
	forms.add(Buffer.from(secret).toString('base64url'));
	forms.delete('');
	return [...forms];
}

/**
 * A function that replaces every secret value, in every form secretForms lists, with <redacted>. Longer forms go
 * first so a secret that contains another is hidden whole. Short forms match only as whole words (see
 * shortestUnboundedMatch). Built once per set of secrets, since it runs on every line a tool prints.
 */
export function secretRedactor(secrets: Iterable<string>): (text: string) => string {
	const needles = new Set<string>();
	for (const secret of secrets) if (secret !== '') for (const form of secretForms(secret)) needles.add(form);
	const replacers = [...needles]
		.sort((a, b) => b.length - a.length)
		.map(needle => {
			if (needle.length >= shortestUnboundedMatch) return (text: string) => text.replaceAll(needle, redactedMark);
			const word = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(needle)}(?![\\p{L}\\p{N}])`, 'gu');
			return (text: string) => text.replace(word, redactedMark);
		});
	return text => replacers.reduce((result, replace) => replace(result), text);
}

export function redact(text: string, secrets: Iterable<string>): string {
	return secretRedactor(secrets)(text);
}

/** Redacts secret answers, whatever their length, in every form, from text shown, logged or saved. */
export function redactAnswers(text: string, secrets: Readonly<Record<string, string>>): string {
	return redact(text, Object.values(secrets));
}

export function answerRedactor(secrets: Readonly<Record<string, string>>): (text: string) => string {
	return secretRedactor(Object.values(secrets));
}

/** A run of this many characters of a secret file's encoding is taken to be that file. */
const keyMaterialWindow = 64;

/**
 * Builds a redactor for key material: every PEM block, and any run of 64 or more characters taken from the base64
 * of a secret file (how a Kubernetes Secret carries it, and what kubectl echoes on a failed apply) or from its PEM
 * body, wherever it starts. The contents are the files the plan marks secret (0600) as they are on disk now.
 */
export function keyMaterialRedactor(contents: Iterable<string>): (text: string) => string {
	const windows = new Set<string>();
	for (const content of contents) {
		const pemBody = content.replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, '').replace(/\s+/g, '');
		for (const form of [Buffer.from(content).toString('base64'), pemBody]) {
			for (let start = 0; start + keyMaterialWindow <= form.length; start++) windows.add(form.slice(start, start + keyMaterialWindow));
		}
	}

	return text => {
		const withoutPem = text.replace(pemBlock, '<redacted PEM block>');
		if (windows.size === 0 || withoutPem.length < keyMaterialWindow) return withoutPem;
		// Marks every window found, then replaces each stretch of overlapping windows once.
		const ranges: Array<[number, number]> = [];
		for (let start = 0; start + keyMaterialWindow <= withoutPem.length; start++) {
			if (!windows.has(withoutPem.slice(start, start + keyMaterialWindow))) continue;
			const end = start + keyMaterialWindow;
			const last = ranges.at(-1);
			if (last && start <= last[1]) last[1] = end;
			else ranges.push([start, end]);
		}

		let result = '';
		let from = 0;
		for (const [start, end] of ranges) {
			result += `${withoutPem.slice(from, start)}${redactedMark}`;
			from = end;
		}

		return result + withoutPem.slice(from);
	};
}
