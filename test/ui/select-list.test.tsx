/** @jsxRuntime automatic */
import test from 'ava';
import {SelectList} from '../../source/ui/SelectList.js';
import {keys, renderInk, tick, waitFor} from '../support/ink-wait.js';

const items = [
	{value: 'a', label: 'Alpha', description: 'first'},
	{value: 'b', label: 'Beta', unavailable: 'helm: not found on PATH'},
	{value: 'c', label: 'Gamma'},
];

test('arrows and j/k move the pointer, Enter picks the item under it', async t => {
	const picked: string[] = [];
	const {lastFrame, stdin, unmount} = renderInk(t, <SelectList items={items} onSelect={value => picked.push(value)} />);
	t.regex(lastFrame() ?? '', /❯ Alpha first/);
	await tick();
	stdin.write('j');
	await waitFor(lastFrame, /❯ Beta/);
	stdin.write(keys.down);
	await waitFor(lastFrame, /❯ Gamma/);
	stdin.write('k');
	await waitFor(lastFrame, /❯ Beta/);
	stdin.write(keys.up);
	await waitFor(lastFrame, /❯ Alpha/);
	stdin.write(keys.up);
	await waitFor(lastFrame, /❯ Gamma/);
	stdin.write(keys.enter);
	await tick();
	t.deepEqual(picked, ['c']);
	unmount();
});

test('an unavailable item shows its reason and Enter on it does nothing', async t => {
	const picked: string[] = [];
	const {lastFrame, stdin, unmount} = renderInk(t, <SelectList items={items} onSelect={value => picked.push(value)} />);
	await tick();
	stdin.write(keys.down);
	await waitFor(lastFrame, /❯ Beta \(unavailable: helm: not found on PATH\)/);
	stdin.write(keys.enter);
	await tick();
	await tick();
	t.deepEqual(picked, []);
	unmount();
});

test('Enter on an unavailable item says why it cannot be chosen, until the pointer moves', async t => {
	const picked: string[] = [];
	const {lastFrame, stdin} = renderInk(t, <SelectList items={items} onSelect={value => picked.push(value)} />);
	await tick();
	stdin.write(keys.down);
	await waitFor(lastFrame, /❯ Beta/);
	stdin.write(keys.enter);
	await waitFor(lastFrame, /Beta cannot be chosen: helm: not found on PATH\./);
	stdin.write(keys.down);
	const frame = await waitFor(lastFrame, /❯ Gamma/);
	t.notRegex(frame, /cannot be chosen/);
	t.deepEqual(picked, []);
});

test('Esc calls onBack and q calls onQuit', async t => {
	const seen: string[] = [];
	const {stdin, unmount} = renderInk(t, <SelectList items={items} onSelect={() => {}} onBack={() => seen.push('back')} onQuit={() => seen.push('quit')} />);
	await tick();
	stdin.write(keys.escape);
	// A lone Esc is only known once no more bytes follow it; Esc then q at once would read as Alt-q.
	await waitFor(() => seen.join(), /back/, 'onBack to be called');
	stdin.write('q');
	await waitFor(() => seen.join(), /quit/, 'onQuit to be called');
	t.deepEqual(seen, ['back', 'quit']);
	unmount();
});

test('two keys in one burst both count (no stale handler)', async t => {
	const picked: string[] = [];
	const {stdin, unmount} = renderInk(t, <SelectList items={items} onSelect={value => picked.push(value)} />);
	await tick();
	stdin.write(keys.down);
	stdin.write(keys.down);
	stdin.write(keys.enter);
	// Each key is dispatched once the screen has taken the one before it, so the pick comes a few renders later.
	await waitFor(() => picked.join(), picked => picked !== '', 'the pick');
	t.deepEqual(picked, ['c']);
	unmount();
});

test('the pointer starts on the first item that can be picked when the first ones cannot', async t => {
	const picked: string[] = [];
	const targets = [
		{value: 'docker', label: 'Docker container', unavailable: 'docker engine: not reachable'},
		{value: 'helm', label: 'Helm chart', unavailable: 'helm: not found on PATH'},
		{value: 'bundle', label: 'Export a bundle'},
	];
	const {lastFrame, stdin, unmount} = renderInk(t, <SelectList items={targets} onSelect={value => picked.push(value)} />);
	t.regex(lastFrame() ?? '', /❯ Export a bundle/);
	await tick();
	stdin.write(keys.enter);
	await tick();
	t.deepEqual(picked, ['bundle']);
	unmount();
});
