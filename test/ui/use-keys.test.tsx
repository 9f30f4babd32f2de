/** @jsxRuntime automatic */
import test from 'ava';
import {useKeyHold, useKeys} from '../../source/ui/use-keys.js';
import {keys, renderInk, tick, waitFor} from '../support/ink-wait.js';

/** Logs every key it gets; `h` makes it hold the keys, until the test calls `control.release`. */
function Holder({log, control}: {log: string[]; control: {release?: () => void}}) {
	const hold = useKeyHold();
	control.release = hold.release;
	useKeys((input, key) => {
		log.push(key.ctrl ? `ctrl-${input}` : input);
		if (input === 'h') hold.hold();
	});
	return null;
}

test('held keys wait in order until the hold is released; Ctrl-C alone passes a hold', async t => {
	const log: string[] = [];
	const control: {release?: () => void} = {};
	const {stdin} = renderInk(t, <Holder log={log} control={control} />);
	await tick();
	stdin.write('ah');
	await waitFor(() => log.join(''), /ah/, 'the keys before the hold');
	stdin.write('bc');
	stdin.write(keys.ctrlC);
	stdin.write('d');
	await waitFor(() => log.join(' '), /ctrl-c/, 'Ctrl-C to pass the hold');
	t.deepEqual(log, ['a', 'h', 'ctrl-c'], 'b, c and d wait');
	control.release!();
	await waitFor(() => log.join(''), /ahctrl-cbcd/, 'the held keys after the release, in order');
	t.deepEqual(log, ['a', 'h', 'ctrl-c', 'b', 'c', 'd']);
});
