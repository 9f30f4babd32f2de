import {readdir} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {runCli} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';
import {assertWholeSet} from './support/certificate-set.js';
import {spawnCli} from './support/spawn-cli.js';

const pause = {MTLS_WIZARD_TEST_PAUSE_BEFORE: 'verify-handshake'};

async function pausedRun(t: Parameters<typeof assertWholeSet>[0]) {
	const cwd = await tempDir(t, 'mtls-concurrent-');
	const env = {MTLS_WIZARD_HOME: join(cwd, 'home')};
	const first = spawnCli(['run', 'generic', '--target', 'bundle', '--out', 'shared'], {...env, ...pause}, cwd);
	t.teardown(() => first.child.kill('SIGKILL'));
	const started = await first.waitForLine(/test pause before step verify-handshake/);
	const session = /\(session (\S+)\)/.exec(started)?.[1];
	t.truthy(session, started);
	return {cwd, env, first, session: session!};
}

test('a second run into an --out that a run holds exits 2 naming the holder pid and session, and writes no session', async t => {
	const {cwd, env, first, session} = await pausedRun(t);
	const second = await runCli(['run', 'generic', '--target', 'bundle', '--out', 'shared'], {cwd, env});
	t.is(second.exitCode, 2, second.stdout + second.stderr);
	t.is(second.stdout, '');
	const lines = second.stderr.trimEnd().split('\n');
	t.is(lines.length, 1, second.stderr);
	t.regex(lines[0]!, new RegExp(`^mtls-wizard: --out ${join(cwd, 'shared')}: in use by another mtls-wizard run generic --target bundle \\(pid ${first.child.pid}, session ${session}, since .*\\)\\. Wait for it to finish`));
	t.deepEqual((await readdir(join(env.MTLS_WIZARD_HOME, 'sessions'))).filter(name => name.endsWith('.json')), [`${session}.json`]);

	first.child.kill('SIGINT');
	t.is((await first.exited).exitCode, 130);
	const resumed = await runCli(['resume', session], {cwd, env});
	t.is(resumed.exitCode, 0, resumed.stdout + resumed.stderr);
	await assertWholeSet(t, join(cwd, 'shared', 'certs'), 'after resume');
});

test('certs into a directory a run holds exits 2 naming the run, and changes nothing there', async t => {
	const {cwd, first} = await pausedRun(t);
	const before = (await readdir(join(cwd, 'shared'))).sort();
	const certs = await runCli(['certs', '--out', join(cwd, 'shared'), '--server-dns', 'a.example'], {cwd});
	t.is(certs.exitCode, 2, certs.stderr);
	t.regex(certs.stderr, new RegExp(`^mtls-wizard: --out .*shared: in use by another mtls-wizard run generic --target bundle \\(pid ${first.child.pid}, session `));
	t.deepEqual((await readdir(join(cwd, 'shared'))).sort(), before);
});

test('a lock left by a run killed with SIGKILL does not block its resume', async t => {
	const {cwd, env, first, session} = await pausedRun(t);
	first.child.kill('SIGKILL');
	await first.exited;
	const resumed = await runCli(['resume', session], {cwd, env});
	t.is(resumed.exitCode, 0, resumed.stdout + resumed.stderr);
	t.deepEqual((await readdir(join(cwd, 'shared'))).sort(), ['certs'], 'the lock is gone after the run');
});

test('two runs started together into the same --out: each ends 0 or refused (exit 2, naming the other), and the set on disk is one CA and the leaves it signed', async t => {
	for (let round = 1; round <= 3; round++) {
		const cwd = await tempDir(t, 'mtls-race-');
		const env = {MTLS_WIZARD_HOME: join(cwd, 'home')};
		const runs = [0, 1].map(() => spawnCli(['run', 'generic', '--target', 'bundle', '--out', 'shared'], env, cwd));
		const ends = await Promise.all(runs.map(async run => run.exited));
		for (const end of ends) {
			t.true(end.exitCode === 0 || end.exitCode === 2, `round ${round}: ${end.stdout}${end.stderr}`);
			if (end.exitCode === 2) t.regex(end.stderr, /in use by another mtls-wizard run generic --target bundle \(pid \d+, session \S+, since /);
		}

		t.true(ends.some(end => end.exitCode === 0), `round ${round}: one run must finish`);
		await assertWholeSet(t, join(cwd, 'shared', 'certs'), `round ${round}`);
	}
});
