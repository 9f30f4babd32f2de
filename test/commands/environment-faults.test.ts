import {readdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {tmpfs} from '../support/mounts.js';
import {runCli, type CliResult} from '../support/run-cli.js';
import {spawnCli} from './support/spawn-cli.js';
import {tempDir} from '../support/temp-dir.js';

/** One or two lines, no stack trace, no "unexpected error": what every environment fault must look like. */
function assertPlainRefusal(t: ExecutionContext, result: CliResult, exitCode: number, pattern: RegExp): void {
	t.is(result.exitCode, exitCode, result.stdout + result.stderr);
	const lines = result.stderr.trimEnd().split('\n');
	t.true(lines.length <= 2, result.stderr);
	t.regex(result.stderr, pattern);
	t.notRegex(result.stderr, /unexpected error|\n\s+at /);
}

test('run --out /proc ends at once with exit 2 naming /proc and the cause (it used to spin in mkdir forever)', async t => {
	const cwd = await tempDir(t, 'mtls-env-');
	const result = await runCli(['run', 'generic', '--target', 'bundle', '--out', '/proc'], {cwd, env: {MTLS_WIZARD_HOME: join(cwd, 'home')}, timeoutMs: 30_000});
	assertPlainRefusal(t, result, 2, /^mtls-wizard: --out \/proc: cannot hold new files or directories .*\(ENOENT\)\. Choose a directory/);
});

test('run --export /proc/x is bad input naming --export and the cause, and leaves nothing', async t => {
	const cwd = await tempDir(t, 'mtls-env-');
	const result = await runCli(['run', 'generic', '--target', 'bundle', '--export', '/proc/x'], {cwd, env: {MTLS_WIZARD_HOME: join(cwd, 'home')}, timeoutMs: 30_000});
	assertPlainRefusal(t, result, 2, /^mtls-wizard: --export: "\/proc\/x" cannot hold new files or directories .*\(ENOENT\)\. Nothing was written/);
	t.deepEqual(await readdir(cwd), []);
});

test('certs --out /proc/x is bad input naming --out and the cause', async t => {
	const result = await runCli(['certs', '--out', '/proc/x', '--server-dns', 'a.example'], {timeoutMs: 30_000});
	assertPlainRefusal(t, result, 2, /^mtls-wizard: --out: "\/proc\/x" cannot hold new files or directories .*\(ENOENT\)/);
});

test('a read-only MTLS_WIZARD_HOME (a real ro mount) is refused before anything runs, naming the variable', async t => {
	const home = await tmpfs(t, {size: '1m', readOnly: true});
	const cwd = await tempDir(t, 'mtls-env-');
	const result = await runCli(['run', 'generic', '--target', 'bundle'], {cwd, env: {MTLS_WIZARD_HOME: home}});
	assertPlainRefusal(t, result, 2, new RegExp(`^mtls-wizard: MTLS_WIZARD_HOME=${home}: ${home}/sessions is on a read-only file system \\(EROFS\\)\\. Set MTLS_WIZARD_HOME to a writable directory`));
	t.is(result.stdout, '');
	t.deepEqual(await readdir(cwd), [], 'no --out directory was made');
});

test('a missing MTLS_WIZARD_HOME that cannot be created (under a ro mount) is refused naming the variable', async t => {
	const parent = await tmpfs(t, {size: '1m', readOnly: true});
	const cwd = await tempDir(t, 'mtls-env-');
	const result = await runCli(['run', 'generic', '--target', 'bundle'], {cwd, env: {MTLS_WIZARD_HOME: join(parent, 'missing')}});
	assertPlainRefusal(t, result, 2, /^mtls-wizard: MTLS_WIZARD_HOME=.*\/missing: .* is on a read-only file system \(EROFS\)/);
});

test('a missing MTLS_WIZARD_HOME that can be created is made 0700 and used', async t => {
	const cwd = await tempDir(t, 'mtls-env-');
	const result = await runCli(['run', 'generic', '--target', 'bundle'], {cwd, env: {MTLS_WIZARD_HOME: join(cwd, 'new', 'home')}});
	t.is(result.exitCode, 0, result.stdout + result.stderr);
	t.is((await readdir(join(cwd, 'new', 'home', 'sessions'))).filter(name => name.endsWith('.json')).length, 1);
});

test('an MTLS_WIZARD_HOME that is a file is refused naming the variable', async t => {
	const cwd = await tempDir(t, 'mtls-env-');
	await writeFile(join(cwd, 'home'), 'a file\n');
	const result = await runCli(['run', 'generic', '--target', 'bundle'], {cwd, env: {MTLS_WIZARD_HOME: join(cwd, 'home')}});
	assertPlainRefusal(t, result, 2, /^mtls-wizard: MTLS_WIZARD_HOME=.*: .* has a file where a directory must be \(ENOTDIR\)/);
});

test('run --export onto a full file system (a real 64k tmpfs) is refused naming --export and ENOSPC, and leaves no temporary bundle', async t => {
	const disk = await tmpfs(t, {size: '64k', prepare: async dir => writeFile(join(dir, 'filler'), Buffer.alloc(56 * 1024))});
	const cwd = await tempDir(t, 'mtls-env-');
	const result = await runCli(['run', 'generic', '--target', 'bundle', '--export', join(disk, 'a', 'bundle')], {cwd, env: {MTLS_WIZARD_HOME: join(cwd, 'home')}});
	assertPlainRefusal(t, result, 2, /^mtls-wizard: --export: ".*bundle" is on a full file system \(no space left on device\) \(ENOSPC\)\. Nothing was written/);
	t.deepEqual(await readdir(disk), ['filler']);
});

test('resume with an MTLS_WIZARD_HOME under /proc says there is nothing to resume instead of an unexpected error', async t => {
	const cwd = await tempDir(t, 'mtls-env-');
	const result = await runCli(['resume'], {cwd, env: {MTLS_WIZARD_HOME: '/proc/mtls-home'}});
	assertPlainRefusal(t, result, 2, /^mtls-wizard: no unfinished session to resume/);
});

for (const command of [['sessions'], ['resume']]) {
	test(`${command[0]} with an MTLS_WIZARD_HOME that is a file names the variable instead of an unexpected error`, async t => {
		const cwd = await tempDir(t, 'mtls-env-');
		await writeFile(join(cwd, 'home'), 'a file\n');
		const result = await runCli(command, {cwd, env: {MTLS_WIZARD_HOME: join(cwd, 'home')}});
		assertPlainRefusal(t, result, 2, /^mtls-wizard: MTLS_WIZARD_HOME=.*: .*\/sessions has a file where a directory must be \(ENOTDIR\)\. Set MTLS_WIZARD_HOME/);
	});
}

test('a session directory that fills up during a run (a real 64k tmpfs) ends with one line naming the session, the directory and ENOSPC', async t => {
	const home = await tmpfs(t, {size: '64k'});
	const cwd = await tempDir(t, 'mtls-env-');
	const run = spawnCli(['run', 'generic', '--target', 'bundle'], {MTLS_WIZARD_HOME: home, MTLS_WIZARD_TEST_PAUSE_BEFORE: 'verify-handshake'}, cwd);
	t.teardown(() => run.child.kill('SIGKILL'));
	await run.waitForLine(/test pause before step verify-handshake/);
	// Whatever room is left goes to the filler: the next save of the session has none.
	await writeFile(join(home, 'filler'), Buffer.alloc(64 * 1024)).catch(() => undefined);
	run.child.kill('SIGINT');
	const end = await run.exited;
	t.is(end.exitCode, 1, end.stdout + end.stderr);
	t.regex(end.stderr, new RegExp(`^mtls-wizard: session \\S+ cannot be saved: ${home}/sessions is on a full file system \\(no space left on device\\) \\(ENOSPC\\)\\. Set MTLS_WIZARD_HOME`));
	t.is(end.stderr.trimEnd().split('\n').length, 1, end.stderr);
	t.deepEqual((await readdir(join(home, 'sessions'))).filter(name => name.endsWith('.tmp')), [], 'no temporary session file is left');
});
