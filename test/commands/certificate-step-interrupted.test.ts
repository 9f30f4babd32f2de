import {execFile} from 'node:child_process';
import {createPrivateKey, X509Certificate} from 'node:crypto';
import {mkdir, readFile, readdir, rm, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {runCli} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';
import {opensslVerify} from '../pki/support/openssl.js';
import {assertWholeSet} from './support/certificate-set.js';
import {spawnCli} from './support/spawn-cli.js';

const killVariable = 'MTLS_WIZARD_TEST_KILL_AT_WRITE';

test('nothing is half-written: a run killed at every write point of the certificate step is finished by resume with a whole set and no temporary file', async t => {
	// About 15 kill points, each a killed run and a resume of the built CLI: minutes on a loaded 2-core machine.
	t.timeout(15 * 60_000);
	const root = await tempDir(t, 'mtls-kill-points-');
	let point = 1;
	for (; point < 50; point++) {
		const cwd = join(root, `point-${point}`);
		await mkdir(cwd);
		const env = {MTLS_WIZARD_HOME: join(cwd, 'home')};
		const killed = await spawnCli(['run', 'generic', '--target', 'bundle'], {...env, [killVariable]: String(point)}, cwd).exited;
		if (killed.exitCode === 0) break;
		t.is(killed.signal, 'SIGKILL', `write point ${point}: the run must die at that point\n${killed.stdout}${killed.stderr}`);
		const resumed = await runCli(['resume'], {cwd, env});
		t.is(resumed.exitCode, 0, `write point ${point}: resume must finish\n${resumed.stdout}${resumed.stderr}`);
		t.notRegex(resumed.stdout, /holds ca\.key but no ca\.crt/);
		await assertWholeSet(t, join(cwd, 'mtls-generic', 'certs'), `write point ${point}`);
		await rm(cwd, {recursive: true, force: true});
	}

	// The staging directory, six files, the completion mark, six renames and the clean-up: every one was a kill point.
	t.true(point > 14, `only ${point - 1} write points were found`);
	t.true(point < 50, 'the run never got past the kill points');
});

test('nothing is half-written: a fleet run killed at every write point of its agents\' bundles is finished by resume with every bundle whole and nothing hidden left', async t => {
	t.timeout(15 * 60_000);
	const root = await tempDir(t, 'mtls-fleet-kill-points-');
	const agents = ['edge-1', 'edge-2'];
	// The shared set's points come first and are the test above's; the agents' own start after them.
	let point = 1;
	let agentPoints = 0;
	for (; point < 80; point++) {
		const cwd = join(root, `point-${point}`);
		await mkdir(cwd);
		const env = {MTLS_WIZARD_HOME: join(cwd, 'home')};
		const args = ['run', 'generic', '--target', 'bundle', '--set', `agents=${agents.join(',')}`, '--set', 'keyType=ecdsa-p256'];
		const killed = await spawnCli(args, {...env, [killVariable]: String(point)}, cwd).exited;
		if (killed.exitCode === 0) break;
		t.is(killed.signal, 'SIGKILL', `write point ${point}: the run must die at that point\n${killed.stdout}${killed.stderr}`);
		const agentsDir = join(cwd, 'mtls-generic', 'agents');
		const leftByKill = await readdir(agentsDir).catch(() => []);
		if (leftByKill.length > 0) agentPoints += 1;
		const resumed = await runCli(['resume'], {cwd, env});
		t.is(resumed.exitCode, 0, `write point ${point}: resume must finish\n${resumed.stdout}${resumed.stderr}`);
		const ca = join(cwd, 'mtls-generic', 'certs', 'ca.crt');
		t.deepEqual((await readdir(agentsDir)).sort(), agents, `write point ${point}: the agents' directory holds the bundles and nothing hidden`);
		for (const agent of agents) {
			const dir = join(agentsDir, agent);
			t.deepEqual((await readdir(dir)).sort(), ['ca.crt', 'client.crt', 'client.key', 'connect.txt'], `write point ${point}: ${agent}`);
			t.is((await stat(dir)).mode & 0o777, 0o700, `write point ${point}: ${agent} is 0700`);
			t.is((await stat(join(dir, 'client.key'))).mode & 0o777, 0o600, `write point ${point}: ${agent}'s key is 0600`);
			t.is(await readFile(join(dir, 'ca.crt'), 'utf8'), await readFile(ca, 'utf8'), `write point ${point}: ${agent} carries the run's CA`);
			const verified = await opensslVerify(ca, join(dir, 'client.crt'), ['-purpose', 'sslclient']);
			t.true(verified.ok, `write point ${point}: ${agent}: ${verified.output}`);
			const certificate = new X509Certificate(await readFile(join(dir, 'client.crt')));
			t.true(certificate.checkPrivateKey(createPrivateKey(await readFile(join(dir, 'client.key')))), `write point ${point}: ${agent}'s key matches its certificate`);
		}

		await rm(cwd, {recursive: true, force: true});
	}

	// Each agent: its hidden directory, three files and the rename into place.
	t.true(agentPoints >= agents.length * 5, `only ${agentPoints} write points left something of the agents`);
	t.true(point < 80, 'the run never got past the kill points');
});

async function sh(command: string[]): Promise<{code: number; output: string}> {
	return new Promise(resolve => {
		execFile(command[0]!, command.slice(1), (error, stdout, stderr) => {
			resolve({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: stdout + stderr});
		});
	});
}

test('nothing is half-written: a full file system (a real 64k tmpfs) fails the certificate step naming the path and the cause, leaves nothing, and resume finishes once there is room', async t => {
	const root = await tempDir(t, 'mtls-full-disk-');
	const disk = join(root, 'disk');
	await mkdir(disk);
	const mounted = await sh(['mount', '-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', disk]);
	t.is(mounted.code, 0, `mount -t tmpfs needs root: ${mounted.output}`);
	if (mounted.code !== 0) return;
	t.teardown(async () => {
		await sh(['umount', disk]);
	});
	// Leaves room for a few 4k pages: the CA fits, the leaves do not.
	await writeFile(join(disk, 'filler'), Buffer.alloc(48 * 1024));
	const out = join(disk, 'out');
	const env = {MTLS_WIZARD_HOME: join(root, 'home')};
	const failed = await runCli(['run', 'generic', '--target', 'bundle', '--out', out], {cwd: root, env});
	t.is(failed.exitCode, 1, failed.stdout + failed.stderr);
	t.regex(failed.stdout, /error: .*full file system \(no space left on device\) \(ENOSPC\)/);
	t.regex(failed.stdout, new RegExp(join(out, 'certs').replaceAll('/', '\\/')));
	t.notRegex(failed.stdout + failed.stderr, /unexpected error|\n\s+at /);
	t.deepEqual(await readdir(join(out, 'certs')), [], 'no file, no staging directory, no temporary file is left');

	await rm(join(disk, 'filler'));
	const resumed = await runCli(['resume'], {cwd: root, env});
	t.is(resumed.exitCode, 0, resumed.stdout + resumed.stderr);
	await assertWholeSet(t, join(out, 'certs'), 'after resume');
});

test('nothing is half-written: a temporary file a killed atomic write left beside the certificates (it may hold a key) is removed by the next run', async t => {
	const cwd = await tempDir(t, 'mtls-stale-tmp-');
	const env = {MTLS_WIZARD_HOME: join(cwd, 'home')};
	const first = await runCli(['run', 'generic', '--target', 'bundle'], {cwd, env});
	t.is(first.exitCode, 0, first.stdout + first.stderr);
	const certs = join(cwd, 'mtls-generic', 'certs');
	const left = join(certs, '.kube-secret-default-mtls-server.yaml.0123456789ab.tmp');
	await writeFile(left, 'data:\n  tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t\n', {mode: 0o600});
	const second = await runCli(['run', 'generic', '--target', 'bundle'], {cwd, env});
	t.is(second.exitCode, 0, second.stdout + second.stderr);
	await assertWholeSet(t, certs, 'after the second run');
});
