/** @jsxRuntime automatic */
import test from 'ava';
import {ReviewScreen, type ReviewAction} from '../../source/ui/ReviewScreen.js';
import type {ReviewView} from '../../source/wizard/types.js';
import {keys, renderInk, tick, waitFor} from '../support/ink-wait.js';

const longCommand =
	'helm upgrade --install steadybit-agent steadybit/steadybit-agent --namespace steadybit-agent --create-namespace --values /work/out/values.yaml --wait --timeout 300s';

const review: ReviewView = {
	outDir: '/work/out',
	files: Array.from({length: 12}, (_, i) => ({path: `/work/out/certs/file-${i + 1}.pem`, mode: i % 2 === 0 ? '0644' : '0600'})),
	commands: [longCommand],
	steps: [{id: 'certificates', title: 'Issue certificates'}],
};

test('long commands wrap instead of being cut, and PgDn scrolls to them', async t => {
	const {lastFrame, stdin, unmount} = renderInk(t, <ReviewScreen review={review} width={79} height={8} onAction={() => {}} />);
	let frame = lastFrame() ?? '';
	t.regex(frame, /Files to write \(12\), under \/work\/out/);
	t.regex(frame, /↓ \d+ more below {2}\(PgUp\/PgDn\)/);
	t.notRegex(frame, /helm upgrade/);
	await tick();
	stdin.write(keys.pageDown);
	frame = await waitFor(lastFrame, /more above/);
	stdin.write(keys.pageDown);
	frame = await waitFor(lastFrame, /--timeout 300s/);
	const commandText = frame
		.split('\n')
		.filter(line => /^ {2}\$ | {6}\S/.test(line))
		.map(line => line.replace(/^ {2}\$ | {6}/, ''))
		.join(' ');
	t.true(commandText.includes(longCommand), `the whole command is on screen:\n${frame}`);
	for (const line of frame.split('\n')) t.true(line.length <= 80, line);
	unmount();
});

test('the actions: run, export, back, quit (Esc is back, q is quit)', async t => {
	const chosen: ReviewAction[] = [];
	const {lastFrame, stdin, unmount} = renderInk(t, <ReviewScreen review={review} width={79} height={8} onAction={action => chosen.push(action)} />);
	await tick();
	stdin.write('j');
	await waitFor(lastFrame, /❯ Export the bundle instead/);
	stdin.write(keys.enter);
	await tick();
	stdin.write(keys.escape);
	// A lone Esc is only known once no more bytes follow it; Esc then q at once would read as Alt-q.
	await waitFor(() => chosen.join(), /back/, 'onBack to be called');
	stdin.write('q');
	await tick();
	t.deepEqual(chosen, ['export', 'back', 'quit']);
	unmount();
});
