/** @jsxRuntime automatic */
import test from 'ava';
import {SelectList} from '../../source/ui/SelectList.js';
import {KeyRouter} from '../../source/ui/use-keys.js';
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

const products = [
	{value: 'generic', label: 'Any server and client', description: 'A CA, a server certificate and a client certificate for any mutual-TLS pair, proved by a local handshake.'},
	{value: 'portainer', label: 'Portainer server ↔ Edge Agent', description: "Portainer Business Edition checks Edge Agents' client certificates against your CA."},
	{value: 'short', label: 'Short', description: 'fits'},
];

/** The description of the item whose label starts `label`, its rows joined back, as the frame shows it. */
function descriptionUnder(frame: string, label: string): string {
	const rows = frame.split('\n');
	const at = rows.findIndex(row => row.slice(2).startsWith(label));
	const under: string[] = [];
	for (let i = at + 1; i < rows.length && rows[i]!.startsWith('    '); i++) under.push(rows[i]!.trim());
	return under.join(' ');
}

test('a description that does not fit beside its label wraps under it, indented, whole; one that fits stays beside it', async t => {
	const {lastFrame} = renderInk(t, <SelectList items={products} width={59} onSelect={() => {}} />);
	const frame = await waitFor(lastFrame, /❯ Any server and client/);
	t.notRegex(frame, /…/);
	for (const row of frame.split('\n')) t.true(row.length <= 59, `fits 59 columns: ${row}`);
	t.regex(frame, /^❯ Any server and client$/m, 'the label has its row to itself');
	t.is(descriptionUnder(frame, 'Any server and client'), products[0]!.description);
	t.is(descriptionUnder(frame, 'Portainer server'), products[1]!.description);
	t.regex(frame, /^ {2}Short fits$/m);
});

test('a list taller than its height shows a window that follows the pointer and says what is above and below', async t => {
	const many = Array.from({length: 8}, (_, i) => ({value: i, label: `Item ${i + 1}`, description: 'a description long enough to need a row of its own under the label here'}));
	const {lastFrame, stdin} = renderInk(t, <SelectList items={many} width={59} height={7} onSelect={() => {}} />);
	let frame = await waitFor(lastFrame, /❯ Item 1/);
	const fits = (shown: string) => {
		t.true(shown.split('\n').length <= 7, `the list fits its 7 rows:\n${shown}`);
		t.notRegex(shown, /…/);
	};

	fits(frame);
	t.regex(frame, /↓ \d+ more below/);
	t.notRegex(frame, /more above/);
	await tick();
	for (let i = 2; i <= 8; i++) {
		stdin.write('j');
		frame = await waitFor(lastFrame, new RegExp(`❯ Item ${i}\\b`));
		fits(frame);
	}

	t.regex(frame, /↑ \d+ more above/);
	t.notRegex(frame, /more below/);
	t.is(descriptionUnder(frame, 'Item 8'), many[7]!.description);
	stdin.write('j');
	frame = await waitFor(lastFrame, /❯ Item 1\b/);
	fits(frame);
	t.regex(frame, /↓ \d+ more below/);
});

test('an item added above the pointer leaves the pointer on the item it was on, and Enter picks that item', async t => {
	const picked: string[] = [];
	const later = [{value: 'new', label: 'Newcomer'}, ...items];
	const {lastFrame, stdin, rerender} = renderInk(t, <SelectList items={items} onSelect={value => picked.push(value)} />);
	await tick();
	stdin.write(keys.down);
	stdin.write(keys.down);
	await waitFor(lastFrame, /❯ Gamma/);
	rerender(<KeyRouter><SelectList items={later} onSelect={value => picked.push(value)} /></KeyRouter>);
	const frame = await waitFor(lastFrame, /Newcomer/);
	t.regex(frame, /❯ Gamma/);
	stdin.write(keys.enter);
	await tick();
	t.deepEqual(picked, ['c']);
	stdin.write('k');
	await waitFor(lastFrame, /❯ Beta/);
});
