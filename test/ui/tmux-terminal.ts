import {execFile} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {rm} from 'node:fs/promises';
import {promisify} from 'node:util';
import {escapeRegExp} from '../support/escape-regexp.js';

const run = promisify(execFile);
const tmux = '/usr/bin/tmux';

export type Terminal = {
	/**
	 * Sends one key (a tmux key name such as Enter, Escape, Down, or one literal character). Nothing to wait for
	 * before the next: the wizard applies each key to the screen the previous one left (source/ui/use-keys.ts).
	 */
	press(key: string): Promise<void>;
	/** Writes text (control characters and escape sequences included) to the program in one write, as a burst. */
	write(text: string): Promise<void>;
	/** Pastes text as a terminal paste does, newlines kept as they are (paste-buffer -r). */
	paste(text: string): Promise<void>;
	/** Types text one character per send-keys call, waiting for each to show. */
	type(text: string, shownAs?: (typedSoFar: string) => RegExp): Promise<void>;
	screen(): Promise<string>;
	/** Everything the terminal holds: the lines scrolled off the top (its scrollback), then the screen. */
	history(): Promise<string>;
	/** The screen with its colour and style escape sequences. */
	styledScreen(): Promise<string>;
	/**
	 * Resolves with the screen once `expected` matches it (every pattern of a list on the same capture, or the
	 * function returns true for it); `what` names it in the failure message. A capture can catch a frame part-drawn:
	 * check what else a frame shows by waiting for it too, not by testing the capture that showed its first part.
	 */
	waitFor(expected: RegExp | RegExp[] | ((screen: string) => boolean), what?: string, timeoutMs?: number): Promise<string>;
	/**
	 * Resolves with the program's exit status once the terminal shows that it ended, so the screen then holds all
	 * the program wrote.
	 */
	exitStatus(timeoutMs?: number): Promise<number>;
	close(): Promise<void>;
};

/**
 * How long a screen may take to show: generous, because the built CLI starts, plans and issues certificates on a
 * loaded 2-core machine. Waits end as soon as the screen shows.
 */
export const screenPatience = 90_000;

const sleep = async (ms: number) =>
	new Promise(resolve => {
		setTimeout(resolve, ms);
	});

/**
 * The built CLI in a real pseudo-terminal, 80×24 unless `size` says otherwise: a tmux server on a private socket
 * (never the user's), one key per send-keys call (several keys in one call arrive as a burst, stack-notes §4).
 */
export async function openTerminal(command: string[], options: {cwd: string; env: NodeJS.ProcessEnv; size?: {columns: number; rows: number}}): Promise<Terminal> {
	const {columns, rows} = options.size ?? {columns: 80, rows: 24};
	const socket = `mtls-wizard-test-${process.pid}-${randomBytes(4).toString('hex')}`;
	const call = async (args: string[]) => (await run(tmux, ['-L', socket, ...args], {env: options.env})).stdout;
	// tmux does not always record a dead pane's exit status, and it draws a pane's output on its own time: a shell
	// around the program prints the status to the pane after the program's last output, so once it shows, so has
	// everything the program wrote.
	const recordStatus = ['sh', '-c', '"$@"; printf \'\\n[the program exited with status %s]\\n\' "$?"', 'sh', ...command];
	await call(['-f', '/dev/null', 'new-session', '-d', '-s', 'wizard', '-x', String(columns), '-y', String(rows), '-c', options.cwd, ...recordStatus, ';', 'set-option', '-t', 'wizard', 'remain-on-exit', 'on']);

	const screen = async () => call(['capture-pane', '-p', '-t', 'wizard']);
	const history = async () => call(['capture-pane', '-p', '-S', '-', '-t', 'wizard']);
	const waitFor = async (
		expected: RegExp | RegExp[] | ((screen: string) => boolean),
		what = `a screen matching ${[expected].flat().map(String).join(' and ')}`,
		timeoutMs = screenPatience,
	) => {
		const matches = typeof expected === 'function' ? expected : (text: string) => [expected].flat().every(pattern => pattern.test(text));
		const start = Date.now();
		for (;;) {
			const text = await screen();
			if (matches(text)) return text;
			if (Date.now() - start > timeoutMs) {
				const missing = typeof expected === 'function' ? '' : ` (not shown: ${[expected].flat().filter(pattern => !pattern.test(text)).map(String).join(', ')})`;
				throw new Error(`waited ${timeoutMs / 1000} s for ${what}; it never showed${missing}. The screen:\n${text}`);
			}

			await sleep(50);
		}
	};

	return {
		async press(key) {
			await call(['send-keys', '-t', 'wizard', key]);
		},
		async write(text) {
			await call(['send-keys', '-t', 'wizard', '-l', text]);
		},
		async paste(text) {
			await call(['set-buffer', '-b', 'paste', '--', text]);
			await call(['paste-buffer', '-r', '-d', '-b', 'paste', '-t', 'wizard']);
		},
		async type(text, shownAs) {
			for (let i = 1; i <= text.length; i++) {
				await call(['send-keys', '-t', 'wizard', '-l', text[i - 1]!]);
				await waitFor(shownAs ? shownAs(text.slice(0, i)) : new RegExp(`› ${escapeRegExp(text.slice(0, i))}`));
			}
		},
		screen,
		history,
		styledScreen: async () => call(['capture-pane', '-p', '-e', '-t', 'wizard']),
		waitFor,
		async exitStatus(timeoutMs = screenPatience) {
			const start = Date.now();
			for (;;) {
				const status = /^\[the program exited with status (\d+)\]$/m.exec(await screen())?.[1];
				if (status !== undefined) return Number(status);
				if (Date.now() - start > timeoutMs) throw new Error(`waited ${timeoutMs / 1000} s for the program to exit; it did not. The screen:\n${await screen()}`);
				await sleep(50);
			}
		},
		async close() {
			// kill-server leaves the socket file behind; remove it too.
			const socketPath = (await call(['display-message', '-p', '#{socket_path}']).catch(() => '')).trim();
			await call(['kill-server']).catch(() => undefined);
			if (socketPath) await rm(socketPath, {force: true});
		},
	};
}

/**
 * A frame is drawn top to bottom, its key hints last: a capture showing a screen's heading and its hints shows all
 * of it. The question screens' hints, and the end of Review's (wrapped at 60 columns before "save").
 */
export const questionHints = /Enter accept · Esc back · Ctrl-C quit/;
export const reviewHints = /save and quit/;

/** The next question screen or Review, drawn whole. */
export async function questionOrReview(terminal: Terminal): Promise<string> {
	return terminal.waitFor(
		text => (/Question \d+ of \d+/.test(text) && questionHints.test(text)) || (/Review: \d+ steps/.test(text) && reviewHints.test(text)),
		'a question or Review, drawn down to its key hints',
	);
}

/**
 * Accepts every remaining question's default, one Enter per question screen, and returns the review screen.
 * `before` may act on a question screen first (pick another choice), given the screen, drawn whole.
 */
export async function acceptDefaults(terminal: Terminal, before: (screen: string) => Promise<void> = async () => {}): Promise<string> {
	for (;;) {
		const screen = await questionOrReview(terminal);
		if (/Review: \d+ steps/.test(screen)) return screen;
		const question = /Question (\d+) of/.exec(screen)![1];
		await before(screen);
		await terminal.press('Enter');
		await terminal.waitFor(new RegExp(`Question (?!${question} )\\d+ of|Review: \\d+ steps`));
	}
}

/** A scroll view's last row while it has more below; the view's lines are drawn above it. */
const moreBelow = /↓ \d+ more below {2}\(PgUp\/PgDn\)/;

/**
 * Presses PgDn until the screen matches `expected`: how many pages that takes depends on the terminal's size.
 * Only what `expected` matches is sure to be drawn on the returned screen; wait for anything else it should show.
 */
export async function pageDownTo(terminal: Terminal, expected: RegExp): Promise<string> {
	for (;;) {
		// A capture without `expected` may be a page still being drawn: page on only once its view says there is more.
		const screen = await terminal.waitFor(text => expected.test(text) || moreBelow.test(text), `${String(expected)}, or a view with more below to page down to`);
		if (expected.test(screen)) return screen;
		await terminal.press('NPage');
		await terminal.waitFor(text => text !== screen, 'PgDn to change the screen');
	}
}
