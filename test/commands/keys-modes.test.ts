import {execFile} from 'node:child_process';
import {readdir, stat} from 'node:fs/promises';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {fakeToolDir} from '../support/fake-tools.js';
import {cliPath, type CliResult} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';

const modeOf = async (path: string) => (await stat(path)).mode & 0o7777;

/** The built CLI under the loosest umask an operator may have; the shell only sets the umask. */
async function runLoose(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
	return new Promise(resolve => {
		execFile('sh', ['-c', 'umask 000 && exec "$0" "$@"', process.execPath, cliPath, ...args], {cwd, env: {...process.env, NO_COLOR: '1', ...env}}, (error, stdout, stderr) => {
			resolve({exitCode: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr});
		});
	});
}

/** Every file under dir whose name says it holds key material is 0600, and every directory holding one is 0700. */
async function assertKeysPrivate(t: ExecutionContext, dir: string, secret: (name: string) => boolean): Promise<number> {
	let keys = 0;
	for (const entry of await readdir(dir, {withFileTypes: true})) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) {
			keys += await assertKeysPrivate(t, path, secret);
		} else if (secret(entry.name)) {
			keys += 1;
			t.is(await modeOf(path), 0o600, path);
			t.is(await modeOf(dir), 0o700, `${dir} holds ${entry.name}`);
		}
	}

	return keys;
}

const isKey = (name: string) => name.endsWith('.key');

test('keys are 0600 in 0700 directories: certs under umask 000', async t => {
	const cwd = await tempDir(t, 'mtls-keys-');
	const result = await runLoose(['certs', '--out', 'pki', '--server-dns', 'a.example', '--client-cn', 'one', '--client-cn', 'two'], cwd);
	t.is(result.exitCode, 0, result.stderr);
	t.is(await assertKeysPrivate(t, join(cwd, 'pki'), isKey), 4);
	t.is(await modeOf(join(cwd, 'pki', 'ca.crt')), 0o644);
});

test('keys are 0600 in 0700 directories: run, its rendered Secret manifests and its session files under umask 000', async t => {
	const cwd = await tempDir(t, 'mtls-keys-');
	const kubectl = `#!/bin/sh
case "$1 $2" in
  "create secret") echo 'apiVersion: v1'; echo 'kind: Secret'; echo 'data: {}' ;;
  "create namespace") echo 'apiVersion: v1'; echo 'kind: Namespace' ;;
  *) echo 'configured' ;;
esac
`;
	const tools = await fakeToolDir(t, {kubectl});
	const result = await runLoose(['run', 'generic', '--target', 'kubectl', '--yes'], cwd, {...tools.env, MTLS_WIZARD_HOME: join(cwd, 'home')});
	t.is(result.exitCode, 0, result.stdout + result.stderr);
	t.is(await assertKeysPrivate(t, join(cwd, 'mtls-generic'), name => isKey(name) || name.startsWith('kube-secret-')), 5);
	t.true(await assertKeysPrivate(t, join(cwd, 'home'), name => name.endsWith('.json')) >= 1);
});

test('keys are 0600 in 0700 directories: an exported bundle under umask 000', async t => {
	const cwd = await tempDir(t, 'mtls-keys-');
	const result = await runLoose(['run', 'generic', '--target', 'bundle', '--export', 'bundle'], cwd, {MTLS_WIZARD_HOME: join(cwd, 'home')});
	t.is(result.exitCode, 0, result.stdout + result.stderr);
	t.is(await modeOf(join(cwd, 'bundle')), 0o700);
	t.is(await assertKeysPrivate(t, join(cwd, 'bundle'), isKey), 3);
});
