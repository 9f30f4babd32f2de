import {spawn} from 'node:child_process';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import type {ExecutionContext} from 'ava';
import {parse, stringify} from 'yaml';
import {helmPath} from '../../support/helm.js';
import {startKubeEmulator, type KubeEmulator, type StandInImage} from '../../support/kube-emulator/index.js';
import {runTool, type ToolResult} from '../../support/kube-emulator/run-tool.js';
import {kubectlPath} from '../../support/kubectl.js';
import {runCli, type CliResult} from '../../support/run-cli.js';
import {standInScript} from '../../support/stand-ins/run-stand-in.js';

export {freePort} from '../../support/stand-ins/run-stand-in.js';

export {kubectlPath} from '../../support/kubectl.js';

export const chartPath = (name: string) => fileURLToPath(new URL(`../../support/charts/${name}`, import.meta.url));

/**
 * The image's USER where platforms.md states it; the others run as root, like an image without USER, until their
 * user is looked up (Portainer, SAP, the Harness delegate image and the Steadybit agent image are unverified).
 */
const imageUsers: Record<string, {uid: number; gid: number}> = {
	// platforms.md 1.3: `ARG USER_UID=10000`, `adduser -u $USER_UID -D steadybit`, `USER steadybit` (gid: adduser -D's own group, INFER).
	'steadybit-extension': {uid: 10_000, gid: 10_000},
};

/**
 * What the emulator runs for an image: a stand-in script under this Node, with extra environment in front
 * (through `env`, so it overrides the pod's own) and extra args after it, as the image's USER. The emulator runs
 * every pod on the host's loopback, where a real cluster gives each pod its own network namespace; the tests use
 * this to give each stand-in its own free port (and, where a stand-in needs it, a CA the real product would find in
 * its image).
 */
export function standInImage(name: string, env: Record<string, string> = {}, args: string[] = []): StandInImage {
	const entrypoint = ['/usr/bin/env', ...Object.entries(env).map(([key, value]) => `${key}=${value}`), process.execPath, standInScript(name), ...args];
	const user = imageUsers[name];
	return user ? {entrypoint, user} : {entrypoint};
}

export type Cluster = {
	emulator: KubeEmulator;
	/** A scratch directory removed in teardown. */
	scratch: string;
	/** Runs the built CLI as a user would: KUBECONFIG from the emulator, helm on PATH, a private MTLS_WIZARD_HOME. */
	cli(args: string[], options?: {env?: NodeJS.ProcessEnv; timeoutMs?: number}): Promise<CliResult>;
	kubectl(...args: string[]): Promise<ToolResult>;
	/** Follows `kubectl logs -f` until `pattern` matches the log; fails the test with the log so far after timeoutMs. */
	logs(namespace: string, resource: string, pattern: RegExp, timeoutMs?: number): Promise<string>;
};

/** Starts an emulator with the given image map and stops it (and removes every file) in t.teardown. */
export async function startCluster(t: ExecutionContext, images: Record<string, StandInImage>): Promise<Cluster> {
	const kubectl = kubectlPath();
	const helmDir = dirname(helmPath());
	const emulator = await startKubeEmulator({images});
	const scratch = await mkdtemp(join(tmpdir(), 'mtls-e2e-kube-'));
	const followers = new Set<() => void>();
	t.teardown(async () => {
		for (const stop of followers) stop();
		await emulator.stop();
		await rm(scratch, {recursive: true, force: true});
	});
	const home = join(scratch, 'home');
	const env = {...emulator.env, PATH: `${helmDir}:${process.env.PATH ?? ''}`, MTLS_WIZARD_HOME: home};
	return {
		emulator,
		scratch,
		cli: async (args, options = {}) => runCli(args, {env: {...env, ...options.env}, cwd: scratch, timeoutMs: options.timeoutMs ?? 110_000}),
		kubectl: async (...args) => runTool(kubectl, args, {env}),
		// Generous: kubectl starts, finds the pod and streams its log on a loaded 2-core machine; the wait ends at the line.
		logs: async (namespace, resource, pattern, timeoutMs = 90_000) =>
			new Promise((resolve, reject) => {
				const child = spawn(kubectl, ['-n', namespace, 'logs', '-f', resource], {env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']});
				let output = '';
				const stop = () => {
					clearTimeout(timer);
					followers.delete(stop);
					child.kill();
				};

				followers.add(stop);
				const timer = setTimeout(() => {
					stop();
					reject(new Error(`kubectl logs -f ${namespace}/${resource}: no line matching ${String(pattern)} within ${timeoutMs} ms. Log so far:\n${output}`));
				}, timeoutMs);
				const onData = (data: Buffer) => {
					output += data.toString('utf8');
					if (pattern.test(output)) {
						stop();
						resolve(output);
					}
				};

				child.stdout.on('data', onData);
				child.stderr.on('data', onData);
				child.once('close', code => {
					if (!followers.has(stop)) return;
					stop();
					reject(new Error(`kubectl logs -f ${namespace}/${resource} exited ${code} before a line matched ${String(pattern)}. Output:\n${output}`));
				});
			}),
	};
}

/**
 * One emulator per context name, and a kubeconfig naming them all (each context its own cluster, server and CA), as
 * a user's kubeconfig names several clusters; `cli` runs the wizard with it. Each cluster keeps its own kubectl/logs.
 */
export async function startClusters(t: ExecutionContext, imagesByContext: Record<string, Record<string, StandInImage>>): Promise<{clusters: Record<string, Cluster>; cli: Cluster['cli']}> {
	const started = await Promise.all(Object.entries(imagesByContext).map(async ([name, images]) => [name, await startCluster(t, images)] as const));
	const named = await Promise.all(started.map(async ([name, cluster]) => {
		const config = parse(await readFile(cluster.emulator.kubeconfigPath, 'utf8')) as {clusters: Array<{name: string; cluster: object}>};
		const own = config.clusters.find(entry => entry.name === cluster.emulator.context)!;
		return {cluster: {name, cluster: own.cluster}, context: {name, context: {cluster: name, user: 'emulator-admin', namespace: 'default'}}};
	}));
	const [first] = started;
	if (!first) throw new Error('startClusters needs at least one context');
	const kubeconfig = join(first[1].scratch, 'kubeconfig-contexts');
	await writeFile(kubeconfig, stringify({
		apiVersion: 'v1',
		kind: 'Config',
		'current-context': first[0],
		clusters: named.map(entry => entry.cluster),
		users: [{name: 'emulator-admin', user: {token: 'kube-emulator-token'}}],
		contexts: named.map(entry => entry.context),
	}), {mode: 0o600});
	return {
		clusters: Object.fromEntries(started),
		cli: async (args, options = {}) => first[1].cli(args, {...options, env: {...options.env, KUBECONFIG: kubeconfig}}),
	};
}

/** The run's output for an assertion message: what a user would have seen. */
export function shown(result: CliResult): string {
	return `exit ${result.exitCode}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}
