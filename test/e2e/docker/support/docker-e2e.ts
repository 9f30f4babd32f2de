import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import test from 'ava';
import {runCli, type CliResult} from '../../../support/run-cli.js';
import {docker, runCommand, startPrivateDocker, type PrivateDocker} from '../../../support/private-docker.js';

/** One private engine and one scratch directory per test file (test.before / test.after.always). */
export type DockerE2e = {
	engine: PrivateDocker;
	work: string;
	/** The engine's socket path (what a user would answer for "Docker socket"). */
	socket: string;
	/** The engine's <data-root>/volumes directory. */
	volumesDir: string;
	/** A fresh MTLS_WIZARD_HOME, plus the engine's DOCKER_HOST and DOCKER_CONFIG, plus `extra`. */
	cliEnv(name: string, extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
	/** `mtls-wizard <args>` through the built CLI against the private engine, run inside its network namespace as on that Docker host. */
	wizard(args: string[], env: NodeJS.ProcessEnv, timeoutMs?: number): Promise<CliResult>;
	stop(): Promise<void>;
};

export async function startDockerE2e(prefix: string): Promise<DockerE2e> {
	const work = await mkdtemp(join(tmpdir(), `mtls-e2e-${prefix}-`));
	let engine: PrivateDocker;
	try {
		engine = await startPrivateDocker();
	} catch (error) {
		await rm(work, {recursive: true, force: true});
		throw error;
	}

	const socket = engine.host.replace(/^unix:\/\//, '');
	return {
		engine,
		work,
		socket,
		// startPrivateDocker keeps the data root beside its socket.
		volumesDir: join(dirname(socket), 'data', 'volumes'),
		cliEnv: (name, extra = {}) => ({
			...engine.env,
			MTLS_WIZARD_HOME: join(work, name, 'home'),
			...extra,
		}),
		wizard: async (args, env, timeoutMs = 240_000) => runCli(args, {env, timeoutMs, netns: engine.netns}),
		async stop() {
			await engine.stop();
			await rm(work, {recursive: true, force: true});
		},
	};
}

/**
 * Registers the lifecycle of one private engine for the calling test file: started before its tests (then
 * `prepare` runs, e.g. to build images), emptied before each test, stopped after all. Returns the engine's getter.
 */
export function privateEngineForFile(prefix: string, prepare: (e2e: DockerE2e) => Promise<void> = async () => {}): () => DockerE2e {
	let e2e: DockerE2e | undefined;
	const setup = () => {
		if (!e2e) throw new Error('the private Docker engine did not start (see the before hook)');
		return e2e;
	};

	test.before(async () => {
		e2e = await startDockerE2e(prefix);
		await prepare(e2e);
	});
	test.after.always(async () => {
		await e2e?.stop();
	});
	test.beforeEach(async () => {
		await emptyEngine(setup().engine.env);
	});
	return setup;
}

/** Every line of a container's (or with `service`, a swarm service's) log, both streams. */
export async function logsOf(env: NodeJS.ProcessEnv, name: string, kind: 'container' | 'service' = 'container'): Promise<string> {
	const result = await runCommand('docker', kind === 'container' ? ['logs', name] : ['service', 'logs', '--raw', name], {env});
	return result.stdout + result.stderr;
}

/**
 * Waits until the log holds a line matching `pattern` (a workload that logs asynchronously after the run ended).
 * Not a timing assertion: the deadline only turns a line that never comes into a readable failure.
 */
export async function waitForLog(env: NodeJS.ProcessEnv, name: string, pattern: RegExp, kind: 'container' | 'service' = 'container'): Promise<string> {
	const deadline = Date.now() + 60_000;
	let logs = '';
	while (Date.now() < deadline) {
		logs = await logsOf(env, name, kind);
		if (pattern.test(logs)) return logs;
		await sleep(250);
	}

	throw new Error(`${kind} ${name} never logged ${String(pattern)}. Its log:\n${logs}`);
}

/** Names of all containers on the engine (running or not), sorted. */
export async function containerNames(env: NodeJS.ProcessEnv): Promise<string[]> {
	return (await docker(env, ['ps', '-a', '--format', '{{.Names}}'])).split('\n').filter(Boolean).sort();
}

export type ContainerInfo = {
	State: {Running: boolean};
	Config: {Env: string[]; Image: string; Cmd: string[] | null; User: string};
	HostConfig: {NetworkMode: string; PortBindings?: Record<string, Array<{HostIp: string; HostPort: string}>>; Privileged?: boolean};
	Mounts: Array<{Type: string; Source: string; Destination: string; RW: boolean; Name?: string}>;
	NetworkSettings: {Networks: Record<string, {Aliases?: string[] | null; IPAddress: string}>};
};

export async function inspectContainer(env: NodeJS.ProcessEnv, name: string): Promise<ContainerInfo> {
	return (JSON.parse(await docker(env, ['container', 'inspect', name])) as ContainerInfo[])[0]!;
}

/** stdout and stderr together, for assertions on what the user sees whichever stream it went to. */
export function shown(result: CliResult): string {
	return `${result.stdout}\n${result.stderr}`;
}

/** Removes every container, service and secret so the next scenario of the file starts from an empty engine. */
export async function emptyEngine(env: NodeJS.ProcessEnv): Promise<void> {
	const swarm = (await runCommand('docker', ['info', '--format', '{{.Swarm.LocalNodeState}}'], {env})).stdout.trim() === 'active';
	if (swarm) {
		const services = (await docker(env, ['service', 'ls', '-q'])).split('\n').filter(Boolean);
		if (services.length > 0) await docker(env, ['service', 'rm', ...services]);
	}

	const containers = (await docker(env, ['ps', '-aq'])).split('\n').filter(Boolean);
	if (containers.length > 0) await docker(env, ['rm', '-f', ...containers]);
	if (swarm) {
		const secrets = (await docker(env, ['secret', 'ls', '-q'])).split('\n').filter(Boolean);
		// Task containers of removed services go away asynchronously; their secrets can be removed once they have.
		for (let attempt = 0; secrets.length > 0; attempt++) {
			const result = await runCommand('docker', ['secret', 'rm', ...secrets], {env});
			if (result.exitCode === 0 || attempt > 40) break;
			await sleep(250);
		}
	}
}
