import test from 'ava';
import {mkdtemp, readdir, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {endOf} from '../../source/commands/wizard.js';
import {cliPath} from '../support/run-cli.js';
import {acceptDefaults, openTerminal} from '../ui/tmux-terminal.js';

const codeOf = (exitCode: number) => {
	try {
		return endOf({exitCode, sessionId: 's-1'});
	} catch (error) {
		return (error as {exitCode: number}).exitCode;
	}
};

test('the wizard ends with the exit code a headless run of the same failure has (the readme table)', t => {
	t.is(codeOf(0), 0);
	t.is(codeOf(1), 1, 'a failed step');
	t.is(codeOf(2), 2, 'a step stopped by bad input, as headless (an existing key that cannot serve)');
	t.is(codeOf(3), 3);
	t.is(codeOf(130), 130);
});

test('Ctrl-C on "Bundle written" exits 0 in a real terminal: the export is done, nothing is interrupted', async t => {
	const dir = await mkdtemp(join(tmpdir(), 'mtls-wizard-export-exit-'));
	const env: NodeJS.ProcessEnv = {...process.env, MTLS_WIZARD_HOME: join(dir, 'home')};
	for (const key of Object.keys(env)) if (key === 'NO_COLOR' || key === 'CI' || key.startsWith('CI_') || key === 'CONTINUOUS_INTEGRATION') delete env[key];
	const terminal = await openTerminal([process.execPath, cliPath], {cwd: dir, env});
	t.teardown(async () => {
		await terminal.close();
		await rm(dir, {recursive: true, force: true});
	});

	await terminal.waitFor(/❯ Any server and client/);
	await terminal.press('Enter');
	await terminal.waitFor(/❯ Export a bundle/);
	await terminal.press('Enter');
	await acceptDefaults(terminal);
	await terminal.press('j');
	await terminal.waitFor(/❯ Export the bundle instead/);
	await terminal.press('Enter');
	await terminal.waitFor(/Bundle directory \(Enter for mtls-generic-bundle\)/);
	await terminal.press('Enter');
	await terminal.waitFor(/✔ Bundle written to \S*mtls-generic-bundle/, 'the bundle to be written');
	await terminal.press('C-c');
	t.is(await terminal.exitStatus(), 0);
	t.notRegex(await terminal.screen(), /Interrupted/);
	t.true((await readdir(join(dir, 'mtls-generic-bundle'))).includes('apply.sh'), 'the bundle is on disk');
});
