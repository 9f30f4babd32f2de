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
	/** Resolves with the screen once `expected` matches it (or returns true for it); `what` names it in the failure message. */
	waitFor(expected: RegExp | ((screen: string) => boolean), what?: string, timeoutMs?: number): Promise<string>;
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
	const waitFor = async (expected: RegExp | ((screen: string) => boolean), what = `a screen matching ${String(expected)}`, timeoutMs = screenPatience) => {
		const matches = typeof expected === 'function' ? expected : (text: string) => expected.test(text);
		const start = Date.now();
		for (;;) {
			const text = await screen();
			if (matches(text)) return text;
			if (Date.now() - start > timeoutMs) throw new Error(`waited ${timeoutMs / 1000} s for ${what}; it never showed. The screen:\n${text}`);
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
		history: async () => call(['capture-pane', '-p', '-S', '-', '-t', 'wizard']),
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
 * Accepts every remaining question's default, one Enter per question screen, and returns the review screen.
 * `before` may act on a question screen first (pick another choice), given the screen.
 */
export async function acceptDefaults(terminal: Terminal, before: (screen: string) => Promise<void> = async () => {}): Promise<string> {
	for (;;) {
		const screen = await terminal.waitFor(/Question \d+ of \d+|Review: \d+ steps/);
		if (/Review: \d+ steps/.test(screen)) return screen;
		const question = /Question (\d+) of/.exec(screen)![1];
		await before(screen);
		await terminal.press('Enter');
		await terminal.waitFor(new RegExp(`Question (?!${question} )\\d+ of|Review: \\d+ steps`));
	}
}

/** Presses PgDn until the screen matches `expected`: how many pages that takes depends on the terminal's size. */
export async function pageDownTo(terminal: Terminal, expected: RegExp): Promise<string> {
	for (;;) {
		const screen = await terminal.screen();
		if (expected.test(screen)) return screen;
		if (!/↓ \d+ more below/.test(screen)) throw new Error(`paged down to the end and never saw ${String(expected)}. The screen:\n${screen}`);
		await terminal.press('NPage');
		const start = Date.now();
		while ((await terminal.screen()) === screen) {
			if (Date.now() - start > screenPatience) throw new Error(`PgDn did not change the screen in ${screenPatience / 1000} s:\n${screen}`);
			await sleep(50);
		}
	}
}
