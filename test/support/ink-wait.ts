import {EventEmitter} from 'node:events';
import type {ExecutionContext} from 'ava';
import {createElement, type ReactElement} from 'react';
import {render as inkRender} from 'ink';
import {render} from 'ink-testing-library';
import {KeyRouter} from '../../source/ui/use-keys.js';

/**
 * The wait ink-testing-library needs (stack-notes §3): the KeyRouter's useInput subscribes in an effect, so a key
 * written right after render is lost. After that, keys are queued and each reaches the screen the one before it
 * left (source/ui/use-keys.ts), so a test waits for what a key did, not for time.
 */
export const tick = async () =>
	new Promise<void>(resolve => {
		setImmediate(resolve);
	});

/**
 * How long a frame may take to show. Generous on purpose: on a loaded 2-core machine the lazily loaded screens
 * alone have taken over 5 s to compile and render. Waits end as soon as the frame shows, so this costs nothing
 * when the machine is idle.
 */
export const framePatience = 90_000;

/** Polls often enough that a frame is seen as it renders, rarely enough not to add load of its own. */
const pollMs = 5;

/**
 * Resolves with the frame once `expected` matches it, after one more tick (see above). `what` names the frame
 * in the failure message; a regular expression names itself.
 */
export async function waitFor(
	lastFrame: () => string | undefined,
	expected: RegExp | ((frame: string) => boolean),
	what = typeof expected === 'function' ? 'the frame the test expects' : `a frame matching ${String(expected)}`,
	timeoutMs = framePatience,
): Promise<string> {
	const matches = (frame: string) => (typeof expected === 'function' ? expected(frame) : expected.test(frame));
	const start = Date.now();
	while (!matches(lastFrame() ?? '')) {
		if (Date.now() - start > timeoutMs) throw new Error(`waited ${timeoutMs / 1000} s for ${what}; it never showed. The last frame:\n${lastFrame() ?? ''}`);
		await new Promise(resolve => {
			setTimeout(resolve, pollMs);
		});
	}

	await tick();
	return lastFrame() ?? '';
}

/** Waits until the frame differs from `before`: the effect of a key whose result the test checks next. */
export async function waitForChange(lastFrame: () => string | undefined, before: string | undefined, after: string): Promise<string> {
	return waitFor(lastFrame, frame => frame !== before, `the frame to change after ${after}`);
}

/*
 * Test workers run with CI=false (package.json, ava.environmentVariables), as the wizard itself does before Ink
 * loads (commands/wizard.tsx). With CI set, Ink's unmount writes its CI summary frame, which in the testing
 * library's debug mode is an empty line: a last screen such as "Saved. Continue with …" was replaced by it before
 * a poll could see it, so the tests only failed in CI.
 */

/**
 * ink-testing-library's render, under the KeyRouter the wizard renders too, unmounted when the test ends however it
 * ends: a test that fails mid-way would otherwise leave ink listening on stdin and keep ava's worker from exiting.
 */
export function renderInk(t: ExecutionContext, tree: ReactElement): ReturnType<typeof render> {
	const instance = render(createElement(KeyRouter, null, tree));
	t.teardown(() => {
		instance.unmount();
	});
	return instance;
}

/** A terminal of a given size for ink: what the wizard reads (columns, rows) and the frames it draws. */
function sizedStdout(columns: number, rows: number) {
	const frames: string[] = [];
	return Object.assign(new EventEmitter(), {
		columns,
		rows,
		isTTY: false,
		frames,
		write(frame: string) {
			frames.push(frame);
		},
	});
}

/** Keys for ink as ink-testing-library's stdin sends them: one `readable` per write, read once. */
function keyboard() {
	let pending: string | null = null;
	const stdin = Object.assign(new EventEmitter(), {
		isTTY: true,
		setEncoding() {},
		setRawMode() {},
		resume() {},
		pause() {},
		ref() {},
		unref() {},
		read() {
			const data = pending;
			pending = null;
			return data;
		},
		write(data: string) {
			pending = data;
			stdin.emit('readable');
			stdin.emit('data', data);
		},
	});
	return stdin;
}

/**
 * renderInk at a terminal size of the test's choosing (ink-testing-library always draws at 100 columns and gives no
 * rows): for the small terminals every screen must fit.
 */
export function renderInkSized(t: ExecutionContext, tree: ReactElement, size: {columns: number; rows: number}) {
	const stdout = sizedStdout(size.columns, size.rows);
	const stdin = keyboard();
	const instance = inkRender(createElement(KeyRouter, null, tree), {stdout: stdout as never, stderr: stdout as never, stdin: stdin as never, debug: true, exitOnCtrlC: false, patchConsole: false});
	t.teardown(() => {
		instance.unmount();
	});
	return {lastFrame: () => stdout.frames.at(-1), frames: stdout.frames, stdin};
}

export const keys = {
	up: '\u001B[A',
	down: '\u001B[B',
	enter: '\r',
	escape: '\u001B',
	backspace: '\u007F',
	pageDown: '\u001B[6~',
	pageUp: '\u001B[5~',
	home: '\u001B[H',
	end: '\u001B[F',
	ctrlA: '\u0001',
	ctrlC: '\u0003',
	ctrlE: '\u0005',
	ctrlU: '\u0015',
	ctrlW: '\u0017',
} as const;
