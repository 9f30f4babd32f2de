/**
 * Text a user copies from: a command, a flag, a path, a URL or a KEY=value. Copied with a sentence's period or
 * comma glued on (`--from-file=ca.crt=./certs/ca.crt.`), it names a file that does not exist; in parentheses, the
 * shell reads `(` as a subshell. Such words are found here so that recipe texts keep them apart from punctuation.
 */
import {formatFieldPath} from './format-field-path.js';
import type {RecipeFile} from './recipe-schema.js';

/** A word someone would copy: a flag, a path or URL, an assignment, or a template that renders to one. */
const copyable = /^-|[/=]|\{\{/;
const trailing = /[.,;:)\]!?]+$/;
const leading = /^[([]+/;

/** The words of `text` that are copyable and touch punctuation, as written. */
export function gluedToPunctuation(text: string): string[] {
	return text.split(/\s+/).filter(word => {
		const bare = word.replace(trailing, '').replace(leading, '');
		return bare !== '' && bare !== word && copyable.test(bare);
	});
}

type Text = {path: Array<string | number>; text: string};

/** The texts of a recipe that a user reads to act on: instructions by hand, hints, what a log line means. */
function instructionTexts(recipe: RecipeFile): Text[] {
	const texts: Text[] = [];
	for (const [name, target] of Object.entries(recipe.targets)) {
		for (const [group, steps] of [['steps', target.steps], ['confirm', target.confirm]] as const) {
			for (const [index, step] of steps.entries()) {
				const at = ['targets', name, group, index];
				if (step.kind === 'manual') texts.push(...step.instructions.map((text, i) => ({path: [...at, 'instructions', i], text})));
				if (step.kind === 'tls-probe') texts.push(...step.failureHints.map((hint, i) => ({path: [...at, 'failureHints', i, 'hint'], text: hint.hint})));
			}
		}
	}

	for (const [id, check] of Object.entries(recipe.checks)) {
		texts.push(
			...check.success.map((success, i) => ({path: ['checks', id, 'success', i, 'description'], text: success.description})),
			...check.failures.map((failure, i) => ({path: ['checks', id, 'failures', i, 'hint'], text: failure.hint})),
			...check.timeoutHints.map((text, i) => ({path: ['checks', id, 'timeoutHints', i], text})),
		);
	}

	return texts;
}

/** The first instruction text with a copyable word glued to punctuation, as `<field path>: <problem and fix>`. */
export function checkInstructionTexts(recipe: RecipeFile): string | undefined {
	for (const {path, text} of instructionTexts(recipe)) {
		const [word] = gluedToPunctuation(text);
		if (word) {
			return `${formatFieldPath(path)}: ${JSON.stringify(word)} has punctuation glued to it, which a user would copy with it. Keep commands, flags, paths and URLs apart from punctuation (a space between them, or at the end of the line).`;
		}
	}

	return undefined;
}
