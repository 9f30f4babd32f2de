import {execFile} from 'node:child_process';
import {chmod, mkdir, readdir, stat} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {cliPath, runCli, type CliResult} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';

const modeOf = async (path: string) => (await stat(path)).mode & 0o7777;

/** The built CLI under a given umask; the shell only sets the umask, the CLI gets a plain argv. */
async function runWithUmask(umask: string, args: string[], options: {cwd: string; env?: NodeJS.ProcessEnv}): Promise<CliResult> {
	return new Promise(resolve => {
		execFile('sh', ['-c', `umask ${umask} && exec "$0" "$@"`, process.execPath, cliPath, ...args], {cwd: options.cwd, env: {...process.env, NO_COLOR: '1', ...options.env}}, (error, stdout, stderr) => {
			resolve({exitCode: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr});
		});
	});
}

test('certs --out into an existing 1777 directory keeps its sticky bit and mode; the keys are 0600', async t => {
	const scratch = join(await tempDir(t, 'mtls-modes-'), 'scratch');
	await mkdir(scratch);
	await chmod(scratch, 0o1777);
	const result = await runCli(['certs', '--out', scratch, '--server-dns', 'a.example']);
	t.is(result.exitCode, 0, result.stderr);
	t.is(await modeOf(scratch), 0o1777);
	t.is(await modeOf(join(scratch, 'server.key')), 0o600);
	t.regex(result.stdout, /directory 01777, as it was/);
});

test('certs --out into an existing 0755 directory leaves it 0755', async t => {
	const out = await tempDir(t, 'mtls-modes-');
	await chmod(out, 0o755);
	const result = await runCli(['certs', '--out', out, '--server-dns', 'a.example']);
	t.is(result.exitCode, 0, result.stderr);
	t.is(await modeOf(out), 0o755);
});

test('with umask 000, the directories certs creates (and their missing parents) are 0700', async t => {
	const cwd = await tempDir(t, 'mtls-modes-');
	const result = await runWithUmask('000', ['certs', '--out', 'a/b/pki', '--server-dns', 'a.example'], {cwd});
	t.is(result.exitCode, 0, result.stderr);
	for (const dir of ['a', 'a/b', 'a/b/pki']) t.is(await modeOf(join(cwd, dir)), 0o700, dir);
	t.is(await modeOf(join(cwd, 'a/b/pki/ca.key')), 0o600);
});

test('certs --out "" is bad input: exit 2 naming --out, nothing written in the current directory', async t => {
	const cwd = await tempDir(t, 'mtls-modes-');
	const result = await runCli(['certs', '--out', '', '--server-dns', 'a.example'], {cwd});
	t.is(result.exitCode, 2, result.stderr);
	t.is(result.stderr, 'mtls-wizard: --out: (empty) is not a directory. Name the directory to write into, e.g. --out ./pki\n');
	t.deepEqual(await readdir(cwd), []);
});

test('run --out "" is bad input: exit 2 naming --out, nothing written', async t => {
	const cwd = await tempDir(t, 'mtls-modes-');
	const result = await runCli(['run', 'generic', '--target', 'bundle', '--out', ''], {cwd, env: {MTLS_WIZARD_HOME: join(cwd, 'home')}});
	t.is(result.exitCode, 2, result.stderr);
	t.regex(result.stderr, /^mtls-wizard: --out: \(empty\) is not a directory\./);
	t.deepEqual(await readdir(cwd), []);
});

test('run into an existing 1777 --out and an existing MTLS_WIZARD_HOME keeps both modes; what it creates is 0700', async t => {
	const root = await tempDir(t, 'mtls-modes-');
	const out = join(root, 'shared');
	const home = join(root, 'home');
	await mkdir(out);
	await chmod(out, 0o1777);
	await mkdir(home);
	await chmod(home, 0o755);
	const result = await runWithUmask('000', ['run', 'generic', '--target', 'bundle', '--out', out], {cwd: root, env: {MTLS_WIZARD_HOME: home}});
	t.is(result.exitCode, 0, result.stderr);
	t.is(await modeOf(out), 0o1777);
	t.is(await modeOf(home), 0o755);
	t.is(await modeOf(join(out, 'certs')), 0o700);
	t.is(await modeOf(join(home, 'sessions')), 0o700);
	t.is(await modeOf(join(out, 'certs', 'server.key')), 0o600);
});

test('with umask 000, run --export a/b/bundle creates a and a/b 0700, and the bundle is 0700 with keys 0600', async t => {
	const cwd = await tempDir(t, 'mtls-modes-');
	const result = await runWithUmask('000', ['run', 'generic', '--target', 'bundle', '--export', 'a/b/bundle'], {cwd, env: {MTLS_WIZARD_HOME: join(cwd, 'home')}});
	t.is(result.exitCode, 0, result.stderr);
	for (const dir of ['a', 'a/b', 'a/b/bundle']) t.is(await modeOf(join(cwd, dir)), 0o700, dir);
	t.is(await modeOf(join(cwd, 'a/b/bundle/certs/server.key')), 0o600);
});
