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

test('the written files wrap whole at a narrow width; those that do not fit are counted, never cut', async t => {
	const long = 'agents/edge-agent-with-a-rather-long-name-01/client.key';
	const files = ['apply.sh', long, ...Array.from({length: 20}, (_, i) => `agents/edge-${i}/client.crt`)];
	const {lastFrame, stdin} = renderInk(
		t,
		<ExportScreen defaultDir="bundle" width={39} height={12} exportBundle={async dir => ({dir, files})} onBack={() => {}} onWritten={() => {}} onDone={() => {}} />,
	);
	await waitFor(lastFrame, /Enter write/);
	await tick();
	stdin.write(keys.enter);
	const frame = await waitFor(lastFrame, /Bundle written to bundle \(22 files\)/);
	const rows = frame.split('\n');
	for (const row of rows) t.true(row.length <= 39, `fits 39 columns: ${row}`);
	const at = rows.findIndex(row => row.startsWith(`  ${long.slice(0, 10)}`));
	let whole = rows[at]!.slice(2);
	for (let i = at + 1; rows[i]!.startsWith('    '); i++) whole += rows[i]!.slice(4);
	t.is(whole, long, frame);
	t.true(rows.filter(row => row.includes('…')).every(row => /^ … and \d+ more$/.test(row)), frame);
	const shown = rows.filter(row => /^ {2}agents\/edge-\d+\//.test(row)).length;
	t.regex(frame, new RegExp(` … and ${20 - shown} more`));
});
