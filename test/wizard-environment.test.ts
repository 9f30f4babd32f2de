import test from 'ava';
import {access, constants, mkdir, mkdtemp, rm, symlink, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {checkEnvironment} from '../source/environment/check-tools.js';
import {targetUnavailable} from '../source/environment/target-availability.js';
import type {EnvironmentReport} from '../source/wizard/types.js';

const which = async (tool: string) => {
	for (const dir of (process.env['PATH'] ?? '').split(':')) {
		const candidate = join(dir, tool);
		try {
			await access(candidate, constants.X_OK);
			return candidate;
		} catch {}
	}

	return undefined;
};

/** A PATH holding only the real kubectl and docker clients (no helm), and a kubeconfig with one context. */
async function machine(t: {teardown(fn: () => Promise<void>): void}) {
	const dir = await mkdtemp(join(tmpdir(), 'mtls-wizard-env-'));
	t.teardown(async () => rm(dir, {recursive: true, force: true}));
	const bin = join(dir, 'bin');
	await mkdir(bin);
	for (const tool of ['kubectl', 'docker']) {
		const found = await which(tool);
		if (!found) throw new Error(`${tool} is needed on PATH for this test and was not found`);
		await symlink(found, join(bin, tool));
	}

	const kubeconfig = join(dir, 'kubeconfig');
	await writeFile(
		kubeconfig,
		[
			'apiVersion: v1',
			'kind: Config',
			'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]',
			'users: [{name: u, user: {}}]',
			'contexts: [{name: test-context, context: {cluster: c, user: u}}]',
			'current-context: test-context',
			'',
		].join('\n'),
	);
	return {
		env: {PATH: bin, HOME: dir, KUBECONFIG: kubeconfig, DOCKER_HOST: `unix://${join(dir, 'no-docker.sock')}`},
	};
}

test('probes the real tools: versions, the current context, a missing helm and an unreachable engine', async t => {
	const {env} = await machine(t);
	const updates: EnvironmentReport[] = [];
	const report = await checkEnvironment(env, update => updates.push(update));
	t.is(report.kubectl.state, 'ok');
	t.regex(report.kubectl.state === 'ok' ? report.kubectl.text : '', /^v1\.\d+/);
	t.deepEqual(report.kubeContext, {state: 'ok', text: 'test-context'});
	t.deepEqual(report.helm, {state: 'missing', text: 'not found on PATH'});
	t.is(report.docker.state, 'ok');
	t.regex(report.docker.state === 'ok' ? report.docker.text : '', /^\d+\.\d+/);
	t.deepEqual(report.dockerEngine, {state: 'missing', text: 'not reachable'});
	t.is(updates.length, 5, 'one update per probe, as each answers');
	t.true(updates[0] && Object.values(updates[0]).some(probe => probe.state === 'checking'), 'the first update arrives while other probes still run');

	t.is(targetUnavailable('bundle', report), undefined);
	t.is(targetUnavailable('kubectl', report), undefined);
	t.is(targetUnavailable('helm', report), 'helm: not found on PATH');
	t.is(targetUnavailable('docker', report), 'docker engine: not reachable');
	t.is(targetUnavailable('swarm', report), 'docker engine: not reachable');
});

test('no current context makes the Kubernetes targets unavailable with the reason', async t => {
	const {env} = await machine(t);
	const report = await checkEnvironment({...env, KUBECONFIG: join(env.HOME, 'absent-kubeconfig')}, () => {});
	t.deepEqual(report.kubeContext, {state: 'missing', text: 'none set'});
	t.is(targetUnavailable('kubectl', report), 'kube context: none set');
	t.is(targetUnavailable('bundle', report), undefined);
});

test('the helm the environment check reports is the user\'s, not the pinned test helm npx puts first on PATH in a clone', async t => {
	const {env} = await machine(t);
	const ownBin = fileURLToPath(new URL('../node_modules/.bin', import.meta.url));
	await access(join(ownBin, 'helm'), constants.X_OK);
	const users = join(env.HOME, 'users-bin');
	await mkdir(users);
	await writeFile(join(users, 'helm'), '#!/bin/sh\necho "v3.99.0+g0123abc"\n', {mode: 0o755});
	const report = await checkEnvironment({...env, PATH: [ownBin, env.PATH, users].join(':')}, () => {});
	t.deepEqual(report.helm, {state: 'ok', text: 'v3.99.0'});
});
