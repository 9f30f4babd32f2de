/**
 * The waits ink-testing-library needs (stack-notes §3): useInput subscribes in an effect, so a key written
 * right after render is lost; and a frame updates before React re-subscribes changed handlers, so the next key
 * must wait one more setImmediate after the frame it expects.
 */
export const tick = async () =>
	new Promise<void>(resolve => {
		setImmediate(resolve);
	});

export async function waitFor(lastFrame: () => string | undefined, expected: RegExp | ((frame: string) => boolean), timeoutMs = 5000): Promise<string> {
	const matches = (frame: string) => (typeof expected === 'function' ? expected(frame) : expected.test(frame));
	const start = Date.now();
	while (!matches(lastFrame() ?? '')) {
		if (Date.now() - start > timeoutMs) throw new Error(`waitFor ${String(expected)} timed out; last frame:\n${lastFrame() ?? ''}`);
		await new Promise(resolve => {
			setTimeout(resolve, 1);
		});
	}

	await tick();
	return lastFrame() ?? '';
}

export const keys = {
	up: '\u001B[A',
	down: '\u001B[B',
	enter: '\r',
	escape: '\u001B',
	backspace: '\u007F',
	pageDown: '\u001B[6~',
	pageUp: '\u001B[5~',
	ctrlC: '\u0003',
} as const;
