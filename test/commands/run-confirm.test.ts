import test, {type ExecutionContext} from 'ava';
import {execFile} from 'node:child_process';
import {readdir} from 'node:fs/promises';
import {join} from 'node:path';
import {cliPath, runCli} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';

async function workDir(t: ExecutionContext) {
	const dir = await tempDir(t, 'mtls-confirm-');
	return {dir, env: {MTLS_WIZARD_HOME: join(dir, 'home')}};
}

test('without --yes and without a terminal, a run that deploys stops before anything happens (exit 2)', async t => {
	const {dir, env} = await workDir(t);
	const result = await runCli(['run', 'generic', '--target', 'kubectl', '--out', join(dir, 'out')], {env});
	t.is(result.exitCode, 2);
	t.is(
		result.stderr,
		'mtls-wizard: --yes: not given, and there is no terminal to ask on; this run changes the Kubernetes cluster (2 steps). Preview it with --dry-run, then add --yes.\n',
	);
	t.deepEqual(await readdir(dir), [], 'no certificates, no session');
});

test('a plan that only writes local files needs no --yes', async t => {
	const {dir, env} = await workDir(t);
	const result = await runCli(['run', 'generic', '--target', 'bundle', '--out', join(dir, 'out')], {env});
	t.is(result.exitCode, 0, result.stderr);
	t.true((await readdir(join(dir, 'out', 'certs'))).includes('ca.crt'));
});

/** Runs the CLI on a real pseudo-terminal (util-linux script) and types `answer` at the prompt. */
async function runOnTerminal(args: string[], env: NodeJS.ProcessEnv, answer: string) {
	return new Promise<{exitCode: number; output: string}>(resolve => {
		const command = [process.execPath, cliPath, ...args].map(word => `'${word}'`).join(' ');
		const child = execFile('script', ['-qfec', command, '/dev/null'], {env: {...process.env, ...env, NO_COLOR: '1'}}, (error, stdout) => {
			resolve({exitCode: error ? Number(error.code) : 0, output: stdout});
		});
		let typed = false;
		child.stdout?.on('data', (chunk: Buffer) => {
			if (!typed && chunk.toString().includes('Proceed? [y/N]')) {
				typed = true;
				child.stdin?.write(`${answer}\r`);
			}
		});
	});
}

test('on a terminal the run lists what it changes and does nothing when the answer is not yes', async t => {
	const {dir, env} = await workDir(t);
	const result = await runOnTerminal(['run', 'generic', '--target', 'kubectl', '--out', join(dir, 'out')], env, 'n');
	t.is(result.exitCode, 0);
	t.regex(result.output, /This run changes the Kubernetes cluster:\r?\n {2}- Create secret mtls-server/);
	t.regex(result.output, /Nothing was run\./);
	t.deepEqual(await readdir(dir), []);
});

test('on a terminal, yes starts the run', async t => {
	const {dir, env} = await workDir(t);
	// No cluster is reachable, so the first kubectl step fails: what matters is that the run started.
	const result = await runOnTerminal(
		['run', 'generic', '--target', 'kubectl', '--out', join(dir, 'out')],
		{...env, KUBECONFIG: join(dir, 'missing-kubeconfig')},
		'y',
	);
	t.regex(result.output, /\[1\/\d\] certificates/);
	t.true((await readdir(join(dir, 'out', 'certs'))).includes('ca.crt'));
});

test('--context twice: one confirmation per context, each listing that cluster’s changes; no to the second runs nothing', async t => {
	const {dir, env} = await workDir(t);
	const result = await new Promise<{exitCode: number; output: string}>(resolve => {
		const command = [process.execPath, cliPath, 'run', 'generic', '--target', 'kubectl', '--out', join(dir, 'out'), '--context', 'eu', '--context', 'us'].map(word => `'${word}'`).join(' ');
		const child = execFile('script', ['-qfec', command, '/dev/null'], {env: {...process.env, ...env, NO_COLOR: '1'}}, (error, stdout) => {
			resolve({exitCode: error ? Number(error.code) : 0, output: stdout});
		});
		let output = '';
		const answers = ['y', 'n'];
		child.stdout?.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			const asked = output.split('Proceed? [y/N]').length - 1;
			if (asked > 2 - answers.length) child.stdin?.write(`${answers.shift()!}\r`);
		});
	});
	t.is(result.exitCode, 0);
	t.regex(result.output, /This run changes the Kubernetes cluster of context eu:\r?\n {2}- Create secret mtls-server \(server pair and CA\) \(context eu\)\r?\n {2}- Create secret mtls-client \(client pair and CA\) \(context eu\)\r?\n.*Proceed\?/);
	t.regex(result.output, /This run changes the Kubernetes cluster of context us:\r?\n {2}- Create secret mtls-server \(server pair and CA\) \(context us\)/);
	t.regex(result.output, /Nothing was run\./);
	t.deepEqual(await readdir(dir), []);
});
