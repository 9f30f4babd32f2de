import {execFileSync} from 'node:child_process';
import {copyFile, cp, lstat, mkdir, readFile, readdir, rename, stat, symlink, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {secretEnvName} from '../../source/recipes/collect-answers.js';
import {gluedToPunctuation} from '../../source/recipes/glued-punctuation.js';
import {fakeToolDir} from '../support/fake-tools.js';
import {runCli} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';
import {fullAnswers} from '../plan/plan-for.js';

const secret = 's3cr3t-TOKEN';
const harness = ['--set', 'delegateName=kubernetes-delegate', '--set', 'managerEndpoint=https://acme.agent.harness.io', '--set', 'accountId=ACC'];

async function modes(dir: string): Promise<Record<string, string>> {
	const found: Record<string, string> = {};
	for (const entry of await readdir(dir, {withFileTypes: true, recursive: true})) {
		const path = join(entry.parentPath, entry.name);
		found[path.slice(dir.length + 1)] = ((await stat(path)).mode & 0o777).toString(8);
	}

	return found;
}

async function filesHolding(dir: string, needle: string): Promise<string[]> {
	const holding: string[] = [];
	for (const entry of await readdir(dir, {withFileTypes: true, recursive: true})) {
		if (entry.isFile() && (await readFile(join(entry.parentPath, entry.name), 'utf8')).includes(needle)) holding.push(entry.name);
	}

	return holding;
}

test('helm export: proved certificates, a 0600 values file, apply.sh that passes bash -n and runs from wherever the bundle moves', async t => {
	const cwd = await tempDir(t, 'mtls-export-');
	const result = await runCli(['run', 'harness-delegate', '--target', 'helm', ...harness, '--export', 'bundle'], {cwd, env: {MTLS_WIZARD_ANSWER_DELEGATE_TOKEN: secret}});
	t.is(result.stderr, '');
	t.is(result.exitCode, 0);
	const bundle = join(cwd, 'bundle');
	t.deepEqual(await modes(bundle), {
		'README.txt': '644',
		'apply.sh': '700',
		certs: '700',
		'certs/ca.crt': '644',
		'certs/ca.key': '600',
		'certs/client.crt': '644',
		'certs/client.key': '600',
		// Harness runs the server; the recipe proves the client pair against a local stand-in server certificate.
		'certs/handshake-server.crt': '644',
		'certs/handshake-server.key': '600',
		values: '700',
		'values/harness-delegate.yaml': '600',
	});
	t.is((await stat(bundle)).mode & 0o777, 0o700);
	t.deepEqual(await readdir(cwd), ['bundle'], 'no temp directory is left beside the bundle');
	t.deepEqual(await filesHolding(bundle, secret), ['harness-delegate.yaml'], 'the secret is only in the 0600 values file');
	t.false(result.stdout.includes(secret));
	t.deepEqual(await filesHolding(bundle, '.mtls-wizard-export-'), [], 'the build directory is named nowhere');
	execFileSync('bash', ['-n', join(bundle, 'apply.sh')]);
	const script = await readFile(join(bundle, 'apply.sh'), 'utf8');
	t.true(script.startsWith('#!/usr/bin/env bash\n'));
	t.regex(script, /^set -euo pipefail$/m);
	t.false(script.includes(bundle), 'paths are relative to the bundle');
	t.regex(script, /^helm upgrade --install helm-delegate harness-delegate-ng .* -f "\$PWD"\/values\/harness-delegate\.yaml --wait/m);
	t.regex(await readFile(join(bundle, 'README.txt'), 'utf8'), /Send ca\.crt|ca\.crt/);

	// Move the bundle, then run apply.sh with stand-in tools that log their arguments: the paths must resolve.
	const moved = join(await tempDir(t, 'mtls-moved-'), 'elsewhere');
	await rename(bundle, moved);
	const log = join(cwd, 'calls.log');
	const {env} = await fakeToolDir(t, {
		kubectl: `#!/bin/sh\necho "kubectl $*" >> ${log}\necho "kind: Secret"\n`,
		helm: `#!/bin/sh\necho "helm $*" >> ${log}\n`,
	});
	execFileSync(join(moved, 'apply.sh'), {cwd: tmpdir(), env: {...process.env, ...env}});
	const calls = (await readFile(log, 'utf8')).trim().split('\n');
	t.true(calls.some(c => c.startsWith('kubectl create secret generic client-certificate -n harness-delegate-ng') && c.includes(`--from-file=client.key=${moved}/certs/client.key`)));
	t.true(calls.some(c => c.startsWith('helm upgrade --install') && c.includes(`-f ${moved}/values/harness-delegate.yaml`)));
	const rendered = join(moved, 'certs', 'kube-secret-harness-delegate-ng-client-certificate.yaml');
	t.is(await readFile(rendered, 'utf8'), 'kind: Secret\n');
	t.is((await stat(rendered)).mode & 0o777, 0o600, 'umask 077 keeps rendered secrets private');
});

test('docker export keeps the secret out of the bundle; apply.sh asks for it in the environment', async t => {
	const cwd = await tempDir(t, 'mtls-export-');
	const result = await runCli(['run', 'harness-delegate', '--target', 'docker', ...harness, '--export', 'out'], {cwd, env: {MTLS_WIZARD_ANSWER_DELEGATE_TOKEN: secret}});
	t.is(result.exitCode, 0, result.stderr);
	t.deepEqual(await filesHolding(join(cwd, 'out'), secret), []);
	const script = await readFile(join(cwd, 'out', 'apply.sh'), 'utf8');
	t.regex(script, /^: "\$\{DELEGATE_TOKEN:\?export DELEGATE_TOKEN \(the secret answer delegateToken\) before running apply\.sh\}"$/m);
	t.regex(script, /^docker rm -f kubernetes-delegate \|\| \{ rc=\$\?; case "\$rc" in 1\) ;; \*\) exit "\$rc" ;; esac; \}$/m);
	execFileSync('bash', ['-n', join(cwd, 'out', 'apply.sh')]);
	const missing = await t.throwsAsync(async () => execFileSync(join(cwd, 'out', 'apply.sh'), {env: {PATH: process.env['PATH']}, stdio: 'pipe'}));
	t.regex(String((missing as unknown as {stderr: Buffer}).stderr), /DELEGATE_TOKEN: export DELEGATE_TOKEN/);
});

test('a non-empty export directory is refused with exit 2 and left as it was', async t => {
	const cwd = await tempDir(t, 'mtls-export-');
	await mkdir(join(cwd, 'taken'));
	await writeFile(join(cwd, 'taken', 'keep.txt'), 'mine\n');
	const result = await runCli(['run', 'generic', '--target', 'bundle', '--export', 'taken'], {cwd});
	t.is(result.exitCode, 2);
	t.is(result.stderr, `mtls-wizard: --export: ${JSON.stringify(join(cwd, 'taken'))} is not empty. Choose a new or empty directory; nothing is ever written over an existing bundle.\n`);
	t.deepEqual(await readdir(cwd), ['taken']);
	t.deepEqual(await readdir(join(cwd, 'taken')), ['keep.txt']);
});

test('steadybit docker export: apply.sh creates the network only when missing and runs the containers as whoever runs it', async t => {
	const cwd = await tempDir(t, 'mtls-export-');
	const result = await runCli(['run', 'steadybit', '--target', 'docker', '--export', 'out'], {cwd, env: {MTLS_WIZARD_ANSWER_AGENT_KEY: secret}});
	t.is(result.exitCode, 0, result.stderr);
	const script = await readFile(join(cwd, 'out', 'apply.sh'), 'utf8');
	t.regex(script, /^docker network inspect --format '\{\{\.Driver\}\}' steadybit > \/dev\/null 2>&1 \|\| docker network create --driver bridge steadybit$/m);
	t.regex(script, /^docker run -d --name steadybit-extension --network steadybit --network-alias steadybit-extension-http .* -u "\$\(id -u\):\$\(id -g\)" ghcr\.io\/steadybit\/extension-http:latest$/m);
	t.regex(script, /^docker run -d --name steadybit-agent --network steadybit .* -u "\$\(id -u\):\$\(id -g\)" steadybit\/agent:2\.4\.2$/m);
	t.false(/--network host/.test(script));
	t.regex(script, /^# check with: docker container inspect --format '\{\{json \.NetworkSettings\.Networks\}\}' steadybit-extension$/m);
	execFileSync('bash', ['-n', join(cwd, 'out', 'apply.sh')]);

	// Run it with a docker that records its argv and knows no network yet: the shell, not the exporter, fills in the ids.
	const log = join(cwd, 'docker.log');
	const {env} = await fakeToolDir(t, {
		docker: `#!/bin/sh\necho "docker $*" >> ${log}\nif [ "$1 $2" = "network inspect" ]; then echo 'Error: No such network: steadybit' >&2; exit 1; fi\n`,
	});
	execFileSync(join(cwd, 'out', 'apply.sh'), {env: {...process.env, ...env, STEADYBIT_AGENT_KEY: secret}});
	const calls = (await readFile(log, 'utf8')).trim().split('\n');
	const ids = `${process.getuid!()}:${process.getgid!()}`;
	t.true(calls.includes('docker network create --driver bridge steadybit'));
	t.true(calls.some(c => c.startsWith('docker run -d --name steadybit-extension ') && c.includes(` -u ${ids} `)));
	t.true(calls.some(c => c.startsWith('docker run -d --name steadybit-agent ') && c.includes(` -u ${ids} `)));
});

test('README.txt and apply.sh name the headless command that writes the same bundle, secret answers as variables to export', async t => {
	const cwd = await tempDir(t, 'mtls-export-command-');
	const result = await runCli(['run', 'harness-delegate', '--target', 'helm', ...harness, '--export', 'bundle'], {cwd, env: {MTLS_WIZARD_ANSWER_DELEGATE_TOKEN: secret}});
	t.is(result.exitCode, 0, result.stderr);
	const bundle = join(cwd, 'bundle');
	const command = `mtls-wizard run harness-delegate --target helm --set delegateName=kubernetes-delegate --set managerEndpoint=https://acme.agent.harness.io --set accountId=ACC --export ./bundle`;
	const note = 'Export MTLS_WIZARD_ANSWER_DELEGATE_TOKEN (the secret answer delegateToken) first: secret answers are never put on a command line.';

	const readme = await readFile(join(bundle, 'README.txt'), 'utf8');
	const section = readme.split('THE SAME BUNDLE WITHOUT THE WIZARD\n')[1]?.split('\n\n')[0] ?? '';
	const lines = section.split('\n');
	t.is(lines[1], `  ${note}`);
	const shown = lines.slice(2);
	for (const line of shown) t.true(line.length <= 80, `fits 80 columns: ${line}`);
	t.is(shown.map(line => line.trim().replace(/ \\$/, '')).join(' '), command, 'wrapped between arguments with " \\"');
	t.true(shown.slice(0, -1).every(line => line.endsWith(' \\')));

	const script = await readFile(join(bundle, 'apply.sh'), 'utf8');
	t.true(script.includes(`\n# Written by: ${command}\n# ${note}\n`), script);
	t.false(readme.includes(secret) || script.includes(secret));
	execFileSync('bash', ['-n', join(bundle, 'apply.sh')]);
});

for (const [recipeId, targets] of Object.entries(fullAnswers)) {
	for (const [target, given] of Object.entries(targets)) {
		// One export at a time: each issues keys, and fifteen at once starve the other test files on 2 cores.
		test.serial(`${recipeId} --target ${target} bundle: no command, flag, path or URL in README.txt or apply.sh's comments has punctuation glued to it`, async t => {
			const cwd = await tempDir(t, 'mtls-export-text-');
			const sets = given.sets.flatMap(set => ['--set', set]);
			const env = Object.fromEntries(Object.entries(given.secrets).map(([id, value]) => [secretEnvName(id), value]));
			// Files the answers name must exist for an export; the chart is only named in the bundle, never read.
			if (recipeId === 'harness-delegate' && target === 'kubectl') await copyFile(new URL('../fixtures/harness-delegate-manifest.yaml', import.meta.url), join(cwd, 'harness-delegate.yaml'));
			if (recipeId === 'sap-connectivity-proxy' && target === 'helm') await writeFile(join(cwd, 'connectivity-proxy-2.20.0.tgz'), '');
			const result = await runCli(['run', recipeId, '--target', target, ...sets, '--export', 'bundle'], {cwd, env});
			t.is(result.exitCode, 0, result.stderr);
			const readme = await readFile(join(cwd, 'bundle', 'README.txt'), 'utf8');
			const comments = (await readFile(join(cwd, 'bundle', 'apply.sh'), 'utf8')).split('\n').filter(line => line.startsWith('#'));
			for (const line of [...readme.split('\n'), ...comments]) t.deepEqual(gluedToPunctuation(line), [], line);
		});
	}
}

test('a local chart reached through symlinks is carried as the files helm would read, never as links to this machine', async t => {
	const cwd = await tempDir(t, 'mtls-export-');
	await cp(fileURLToPath(new URL('../support/charts/portainer', import.meta.url)), join(cwd, 'real-chart'), {recursive: true});
	await mkdir(join(cwd, 'shared'));
	await writeFile(join(cwd, 'shared', 'notes.txt'), 'kept outside the chart\n');
	await symlink('../shared/notes.txt', join(cwd, 'real-chart', 'notes.txt'));
	await symlink('real-chart', join(cwd, 'chart'));
	const result = await runCli(['run', 'portainer', '--target', 'helm', '--set', 'mtlsDomain=portainer.example', '--set', 'chart=./chart', '--export', 'bundle'], {cwd});
	t.is(result.exitCode, 0, result.stderr);
	const carried = join(cwd, 'bundle', 'inputs', 'chart');
	t.true((await lstat(carried)).isDirectory(), 'the chart given as a link is a directory in the bundle');
	t.true((await lstat(join(carried, 'notes.txt'))).isFile(), 'a link inside the chart is the file it points at');
	t.is(await readFile(join(carried, 'notes.txt'), 'utf8'), 'kept outside the chart\n');
	t.deepEqual((await readdir(carried)).sort(), [...(await readdir(join(cwd, 'real-chart')))].sort());
});
