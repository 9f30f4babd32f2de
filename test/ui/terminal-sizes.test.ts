import test from 'ava';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {cliPath} from '../support/run-cli.js';
import {acceptDefaults, openTerminal, type Terminal} from './tmux-terminal.js';

/*
 * The built wizard in real terminals of the sizes people use, through a whole run of the generic recipe on the
 * bundle target (real certificates, no engine needed). Ink redraws a frame as tall as the terminal by clearing
 * the screen, and a frame taller than it scrolls its top away: either way a copy of the title line is left in
 * the scrollback. So the title must be on the top row of every screen the run shows, and the terminal (its
 * scrollback and its screen) must hold it exactly once when the wizard has exited.
 */

const sizes: Array<[number, number]> = [
	[60, 20],
	[80, 24],
	[160, 50],
];

const title = /^mtls-wizard\b/;

/** Fails unless the title is the top row and no row is wider than the terminal. */
function checkScreen(t: import('ava').ExecutionContext, screen: string, columns: number, where: string): void {
	const rows = screen.split('\n');
	t.regex(rows[0] ?? '', title, `the title is the top row ${where}:\n${screen}`);
	for (const row of rows) t.true(row.length <= columns, `a row fits ${columns} columns ${where}: ${row}`);
}

async function open(t: import('ava').ExecutionContext, columns: number, rows: number): Promise<Terminal> {
	const dir = await mkdtemp(join(tmpdir(), 'mtls-wizard-sizes-'));
	const env: NodeJS.ProcessEnv = {...process.env, MTLS_WIZARD_HOME: join(dir, 'home')};
	for (const key of Object.keys(env)) if (key === 'NO_COLOR' || key === 'CI' || key.startsWith('CI_') || key === 'CONTINUOUS_INTEGRATION') delete env[key];
	const terminal = await openTerminal([process.execPath, cliPath], {cwd: dir, env, size: {columns, rows}});
	t.teardown(async () => {
		await terminal.close();
		await rm(dir, {recursive: true, force: true});
	});
	return terminal;
}

for (const [columns, rows] of sizes) {
	test(`at ${columns}×${rows} a whole generic bundle run keeps its title on top and leaves it in the terminal exactly once`, async t => {
		const terminal = await open(t, columns, rows);
		checkScreen(t, await terminal.waitFor(/❯ Any server and client/), columns, 'on the product list');
		await terminal.press('Enter');
		checkScreen(t, await terminal.waitFor(/❯ Export a bundle/), columns, 'on the target list');
		await terminal.press('Enter');
		const review = await acceptDefaults(terminal, async screen => {
			checkScreen(t, screen, columns, 'on a question');
		});
		checkScreen(t, review, columns, 'on Review');
		await terminal.press('Enter');
		const summary = await terminal.waitFor(/Press Enter to exit/, 'the summary after the run');
		checkScreen(t, summary, columns, 'on the summary');
		t.regex(summary, /✔ Done\./);
		await terminal.press('Enter');
		t.is(await terminal.exitStatus(), 0);

		const everything = await terminal.history();
		const titles = everything.split('\n').filter(line => title.test(line));
		t.is(titles.length, 1, `the title once in the scrollback and the screen, not ${titles.length} times:\n${everything}`);
	});
}
