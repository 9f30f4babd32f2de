import {join} from 'node:path';
import test from 'ava';
import {runCli} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';
import {spawnCli} from './support/spawn-cli.js';

test('sessions lists finished and interrupted runs with the step reached, as text and JSON', async t => {
	const dir = await tempDir(t, 'mtls-sessions-');
	const env = {MTLS_WIZARD_HOME: join(dir, 'home')};

	const empty = await runCli(['sessions'], {env});
	t.is(empty.exitCode, 0);
	t.regex(empty.stdout, /No saved sessions/);

	const finished = await runCli(['run', 'generic', '--target', 'bundle', '--out', join(dir, 'a')], {env});
	t.is(finished.exitCode, 0, finished.stderr);
	const cli = spawnCli(['run', 'generic', '--target', 'bundle', '--out', join(dir, 'b')], {...env, MTLS_WIZARD_TEST_PAUSE_BEFORE: 'use-bundle'});
	await cli.waitForLine(/test pause before step use-bundle/);
	cli.child.kill('SIGKILL');
	await cli.exited;

	const listed = await runCli(['sessions', '--json'], {env});
	t.is(listed.exitCode, 0);
	const rows = JSON.parse(listed.stdout) as Array<{id: string; recipe: string; target: string; reached: string; status: string; stepsDone: number; stepsToDo: number; stepsTotal: number; updatedAt: string}>;
	t.is(rows.length, 2);
	t.like(rows[0], {recipe: 'generic', target: 'bundle', reached: '2/3', status: 'interrupted', stepsDone: 2, stepsToDo: 0, stepsTotal: 3});
	// The bundle's last step is the person's: reached and listed, yet not done.
	t.like(rows[1], {recipe: 'generic', target: 'bundle', reached: '2/3, 1 to do by hand', status: 'done', stepsDone: 2, stepsToDo: 1, stepsTotal: 3});

	const text = await runCli(['sessions'], {env});
	const lines = text.stdout.split('\n');
	t.regex(lines[0] ?? '', /^ID\s+RECIPE\s+TARGET\s+STEPS\s+STATUS\s+UPDATED$/);
	t.regex(lines[1] ?? '', new RegExp(`^${rows[0]!.id}\\s+generic\\s+bundle\\s+2/3\\s+interrupted\\s+${rows[0]!.updatedAt}$`));
	t.regex(lines[2] ?? '', new RegExp(`^${rows[1]!.id}\\s+generic\\s+bundle\\s+2/3, 1 to do by hand\\s+done\\s+${rows[1]!.updatedAt}$`));
	t.regex(text.stdout, new RegExp(`Continue the latest unfinished one with: mtls-wizard resume ${rows[0]!.id}`));
});

test('a session awaiting its PKI\'s signatures is continued with resume --signed and the directory its run named', async t => {
	const dir = await tempDir(t, 'mtls-sessions-csr-');
	const env = {MTLS_WIZARD_HOME: join(dir, 'home')};
	const out = join(dir, 'out with space');
	const run = await runCli(['run', 'generic', '--target', 'bundle', '--out', out, '--set', 'caMode=csr'], {env});
	t.is(run.exitCode, 0, run.stderr);
	const id = /session (\S+) is saved, awaiting/.exec(run.stdout)?.[1] ?? '';
	const said = /^ {2}(mtls-wizard resume .*)$/m.exec(run.stdout)?.[1];
	t.is(said, `mtls-wizard resume ${id} --signed '${join(out, 'signed')}'`, 'the run names the directory');

	const listed = await runCli(['sessions'], {env});
	t.is(listed.exitCode, 0, listed.stderr);
	t.regex(listed.stdout, new RegExp(`^${id}\\s+generic\\s+bundle\\s+0/3\\s+awaiting-signature\\s`, 'm'));
	t.true(listed.stdout.endsWith(`\nContinue the latest unfinished one with: ${said}\n`), listed.stdout);
});
