/** @jsxRuntime automatic */
import test from 'ava';
import {ExportScreen} from '../../source/ui/ExportScreen.js';
import {keys, renderInk, tick, waitFor} from '../support/ink-wait.js';

test('once the bundle is written the footer offers only what works there: exit', async t => {
	let done = 0;
	let back = 0;
	let written = 0;
	const {lastFrame, stdin} = renderInk(
		t,
		<ExportScreen defaultDir="bundle" exportBundle={async dir => ({dir, files: ['apply.sh']})} onBack={() => back++} onWritten={() => written++} onDone={() => done++} />,
	);
	let frame = await waitFor(lastFrame, /Enter write · Esc back/);
	await tick();
	stdin.write(keys.enter);
	frame = await waitFor(lastFrame, /Bundle written to bundle \(1 files\)/);
	t.regex(frame, /Enter, q or Esc exit/);
	t.notRegex(frame, /Esc back|Enter write|Ctrl-C/);
	t.is(written, 1, 'the wizard learns the bundle is written, so leaving it any way is a success');
	stdin.write(keys.escape);
	await waitFor(() => String(done), /1/, 'Esc to exit');
	t.is(back, 0, 'Esc after the bundle is written exits; it does not go back');
});

test('a failed write says Enter or Esc tries again', async t => {
	const {lastFrame, stdin} = renderInk(
		t,
		<ExportScreen defaultDir="bundle" exportBundle={async () => Promise.reject(new Error('Bundle directory: "bundle" is not empty.'))} onBack={() => {}} onWritten={() => t.fail('a failed write is not written')} onDone={() => {}} />,
	);
	await waitFor(lastFrame, /Enter write/);
	await tick();
	stdin.write(keys.enter);
	const frame = await waitFor(lastFrame, /✘ Bundle directory: "bundle" is not empty\./);
	t.regex(frame, /Enter or Esc try again/);
	t.notRegex(frame, /Enter write/);
});
