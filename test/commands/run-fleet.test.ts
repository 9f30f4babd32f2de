import {readFile, readdir, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import type {EngineEvent} from '../../source/engine-events.js';
import {openssl, opensslVerify} from '../pki/support/openssl.js';
import {runCli} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';

const names = Array.from({length: 12}, (_, index) => `edge-${index + 1}`);

function events(stdout: string): EngineEvent[] {
	return stdout.trim().split('\n').map(line => JSON.parse(line) as EngineEvent);
}

test('run --json with 12 agents: progress events count up to 12, each agent a bundle whose certificate openssl accepts as a client of the CA', async t => {
	const cwd = await tempDir(t, 'mtls-fleet-');
	const env = {MTLS_WIZARD_HOME: join(cwd, 'home')};
	const args = ['run', 'generic', '--target', 'bundle', '--out', 'out', '--set', 'agents=edge-{1..12}', '--set', 'keyType=ecdsa-p256', '--json'];
	const result = await runCli(args, {cwd, env});
	t.is(result.exitCode, 0, result.stderr);
	const progress = events(result.stdout).filter((event): event is Extract<EngineEvent, {type: 'step-progress'}> => event.type === 'step-progress');
	t.true(progress.length >= 2, 'the first and the last at least');
	t.true(progress.every(event => event.stepId === 'certificates' && event.total === 12 && event.ratePerSecond >= 0));
	t.deepEqual(progress.map(event => event.done), [...progress.map(event => event.done)].sort((a, b) => a - b));
	t.like(progress.at(-1), {done: 12, etaSeconds: 0});
	t.like(progress[0], {done: 0, etaSeconds: null});

	const ca = join(cwd, 'out', 'certs', 'ca.crt');
	t.deepEqual((await readdir(join(cwd, 'out', 'agents'))).sort(), [...names].sort());
	for (const name of names) {
		const dir = join(cwd, 'out', 'agents', name);
		t.deepEqual((await readdir(dir)).sort(), ['ca.crt', 'client.crt', 'client.key', 'connect.txt'], name);
		t.is((await stat(dir)).mode & 0o777, 0o700, name);
		t.is((await stat(join(dir, 'client.key'))).mode & 0o777, 0o600, name);
		t.is(await readFile(join(dir, 'ca.crt'), 'utf8'), await readFile(ca, 'utf8'), name);
		const verdict = await opensslVerify(ca, join(dir, 'client.crt'), ['-purpose', 'sslclient']);
		t.true(verdict.ok, verdict.output);
		const subject = await openssl(['x509', '-in', join(dir, 'client.crt'), '-noout', '-subject']);
		t.is(subject.stdout.trim(), `subject=CN = ${name}`);
		t.regex(await readFile(join(dir, 'connect.txt'), 'utf8'), new RegExp(`^Client ${name}: present client\\.crt`));
	}

	const fingerprints = await Promise.all(names.map(async name => openssl(['x509', '-in', join(cwd, 'out', 'agents', name, 'client.crt'), '-noout', '-fingerprint', '-sha256'])));
	t.is(new Set(fingerprints.map(f => f.stdout)).size, names.length, 'every agent has a certificate of its own');

	// A second run reuses every agent's certificate, as it does the single agent's.
	const again = await runCli(args, {cwd, env});
	t.is(again.exitCode, 0, again.stderr);
	const done = events(again.stdout).find(event => event.type === 'step-done' && event.stepId === 'certificates');
	t.like(done, {detail: 'CA kept; 0 certificates issued, 13 reused'});
});

test('--agents-file: a bad line is refused naming FILE:LINE with exit 2, and nothing is written', async t => {
	const cwd = await tempDir(t, 'mtls-fleet-');
	const file = join(cwd, 'agents.txt');
	await writeFile(file, 'edge-1 edge-1.example.com\n# the lab\n\nedge-2, 10.0.0.9\nedge-3 bad..name\n');
	const result = await runCli(['run', 'generic', '--target', 'bundle', '--out', 'out', '--agents-file', file], {cwd, env: {MTLS_WIZARD_HOME: join(cwd, 'home')}});
	t.is(result.exitCode, 2);
	t.is(result.stderr, `mtls-wizard: --agents-file ${file}:5 (agent edge-3): "bad..name" has an empty label (two dots in a row, or a leading or trailing dot). Use a name like server.example.com or *.example.com\n`);
	t.deepEqual(await readdir(cwd), ['agents.txt']);
});

test('--agents-file: the agents and their extra SANs reach the plan', async t => {
	const cwd = await tempDir(t, 'mtls-fleet-');
	const file = join(cwd, 'agents.txt');
	await writeFile(file, 'edge-1 edge-1.example.com\n# the lab\n\nedge-2, 10.0.0.9\n');
	const result = await runCli(['run', 'generic', '--target', 'bundle', '--agents-file', file, '--dry-run'], {cwd});
	t.is(result.exitCode, 0, result.stderr);
	t.regex(result.stdout, /agents\/edge-1\/client\.crt \(0644\): client certificate CN=edge-1 DNS:edge-1\.example\.com\n/);
	t.regex(result.stdout, /agents\/edge-2\/client\.crt \(0644\): client certificate CN=edge-2 IP:10\.0\.0\.9\n/);
	const twice = await runCli(['run', 'generic', '--target', 'bundle', '--agents-file', file, '--set', 'agents=x', '--dry-run'], {cwd});
	t.is(twice.exitCode, 2);
	t.regex(twice.stderr, /--agents-file: not with --set agents=/);
	const noAgents = await runCli(['run', 'sap-connectivity-proxy', '--target', 'bundle', '--agents-file', file, '--dry-run'], {cwd});
	t.is(noAgents.exitCode, 2);
	t.regex(noAgents.stderr, /--agents-file: recipe sap-connectivity-proxy has no agent side/);
	const oneDelegate = await runCli(['run', 'harness-delegate', '--target', 'kubectl', '--agents-file', file, '--dry-run'], {cwd});
	t.is(oneDelegate.exitCode, 2);
	t.is(oneDelegate.stderr, 'mtls-wizard: --agents-file: harness-delegate --target kubectl deploys one agent, so it takes no fleet. Use --target helm, docker, bundle, or leave --agents-file out.\n');
	const setAgents = await runCli(['run', 'harness-delegate', '--target', 'kubectl', '--set', 'agents=a,b', '--dry-run'], {cwd});
	t.is(setAgents.exitCode, 2);
	t.regex(setAgents.stderr, /^mtls-wizard: --set agents: unknown key\. Valid keys for harness-delegate --target kubectl: /);
});

test('--context repeated: every kubectl command of each context carries that --context, and a docker target refuses several', async t => {
	const cwd = await tempDir(t, 'mtls-fleet-');
	const result = await runCli(['run', 'generic', '--target', 'kubectl', '--set', 'agents=a,b', '--context', 'eu', '--context', 'us', '--context', 'ap', '--dry-run'], {cwd});
	t.is(result.exitCode, 0, result.stderr);
	for (const context of ['eu', 'us', 'ap']) {
		const section = result.stdout.split(/\n(?=\d+\. )/).filter(part => part.includes(`(context ${context})`));
		t.is(section.length, 4, `secret-server, two client secrets and the manual step in ${context}`);
		const commands = section.flatMap(part => part.split('\n').filter(line => /^ {3}\$ kubectl /.test(line)));
		t.true(commands.length >= 3, context);
		for (const command of commands) t.regex(command, new RegExp(` --context ${context}( |$)`), command);
	}

	const docker = await runCli(['run', 'steadybit', '--target', 'docker', '--context', 'a', '--context', 'b', '--dry-run'], {cwd, env: {MTLS_WIZARD_ANSWER_AGENT_KEY: 'k'}});
	t.is(docker.exitCode, 2);
	t.regex(docker.stderr, /^mtls-wizard: --context: given 2 times, but --target docker deploys to no Kubernetes context/);
});
