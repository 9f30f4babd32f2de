import type {CommandSpec} from './types.js';

/** Characters that never need quoting in POSIX shells (no globbing, expansion, word splitting or history). */
const safeWord = /^[\w@%+=:,./-]+$/;

function singleQuote(word: string): string {
	return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Single-quotes a word for a POSIX shell unless it is made only of safe characters. */
export function quoteWord(word: string): string {
	return safeWord.test(word) ? word : singleQuote(word);
}

export type QuoteOptions = {
	/**
	 * Paths under this directory are written relative to the script's working directory as `"$PWD"/...`,
	 * so a bundle keeps working after it is moved (docker -v needs absolute paths, hence $PWD, not ./).
	 */
	bundleDir?: string;
	/** Write CommandSpec.scriptArgs in place of their arguments: the line is for a script, not for reading. */
	script?: boolean;
};

function quoteArgument(argument: string, options: QuoteOptions, quote: (word: string) => string): string {
	const base = options.bundleDir?.replace(/\/+$/, '');
	const parts = base ? argument.split(`${base}/`) : [argument];
	return parts.map((part, index) => (index === 0 ? '' : '"$PWD"/') + (part === '' ? '' : quote(part))).join('');
}

/** The command as one POSIX shell line: what dry-run prints and what apply.sh runs. Redirected files are always quoted. */
export function quoteCommand(spec: CommandSpec, options: QuoteOptions = {}): string {
	const quoted = spec.args.map(word => quoteArgument(word, options, quoteWord));
	const scriptText = (index: number) => (options.script ? spec.scriptArgs?.[index] : undefined)?.replaceAll(/{{arg:(\d+)}}/g, (_match, n: string) => quoted[Number(n)] ?? '');
	const args = quoted.map((word, index) => scriptText(index) ?? word);
	const words = [quoteArgument(spec.file, options, quoteWord), ...args];
	if (spec.inputFile) words.push('<', quoteArgument(spec.inputFile, options, singleQuote));
	if (spec.outputFile) words.push('>', quoteArgument(spec.outputFile, options, singleQuote));
	return words.join(' ');
}
