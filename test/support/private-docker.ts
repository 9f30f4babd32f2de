import {execFile, spawn, type ChildProcess} from 'node:child_process';
import {accessSync, constants, openSync, closeSync, readFileSync, existsSync} from 'node:fs';
import {lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {delimiter, join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';

export type PrivateDocker = {
	/** `unix://…/docker.sock`, the value for DOCKER_HOST. */
	host: string;
	/** process.env plus DOCKER_HOST and a private DOCKER_CONFIG: pass it to every docker command. */
	env: NodeJS.ProcessEnv;
	/** Removes containers, leaves the swarm, stops dockerd and its containerd, unmounts and deletes everything it made. */
	stop(): Promise<void>;
};

export type CommandResult = {exitCode: number; stdout: string; stderr: string};

/** Runs a command without a shell; never rejects, so callers decide what a failure means. */
export async function runCommand(
	file: string,
	args: string[],
	options: {env?: NodeJS.ProcessEnv; input?: string | Buffer; timeoutMs?: number} = {},
): Promise<CommandResult> {
	return new Promise(resolve => {
		const child = execFile(
			file,
			args,
			{env: options.env ?? process.env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024},
			(error, stdout, stderr) => {
				const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
				resolve({exitCode, stdout, stderr: error && exitCode === 1 && !stderr ? error.message : stderr});
			},
		);
		// A command that exits without reading stdin must not crash the test process with EPIPE.
		child.stdin?.on('error', () => undefined);
		child.stdin?.end(options.input ?? '');
	});
}

/** Runs the docker client against a private engine; throws with docker's own stderr when it fails. */
export async function docker(env: NodeJS.ProcessEnv, args: string[], input?: string | Buffer): Promise<string> {
	const result = await runCommand('docker', args, {env, input});
	if (result.exitCode !== 0) {
		throw new Error(`docker ${args.join(' ')} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
	}

	return result.stdout;
}

const searchDirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function findExecutable(name: string): string | undefined {
	for (const dir of searchDirs) {
		const candidate = join(dir, name);
		try {
			accessSync(candidate, constants.X_OK);
			return candidate;
		} catch {}
	}

	return undefined;
}

function requireTools(): string {
	const missing: string[] = [];
	const dockerd = findExecutable('dockerd');
	for (const name of ['dockerd', 'containerd', 'containerd-shim-runc-v2', 'runc', 'docker']) {
		if (!findExecutable(name)) {
			missing.push(name);
		}
	}

	if (missing.length > 0 || !dockerd) {
		throw new Error(`Cannot start a private Docker engine: ${missing.join(', ')} not found on PATH or in /usr/sbin. Install Debian's docker.io (apt-get install docker.io).`);
	}

	if (process.getuid?.() !== 0) {
		throw new Error('Cannot start a private Docker engine: dockerd needs root (this process runs as uid ' + String(process.getuid?.()) + ').');
	}

	return dockerd;
}

function mountsUnder(root: string): string[] {
	// Field 5 of mountinfo is the mount point; octal escapes only matter for paths with spaces, which ours lack.
	return readFileSync('/proc/self/mountinfo', 'utf8')
		.split('\n')
		.map(line => line.split(' ')[4])
		.filter((point): point is string => point !== undefined && (point === root || point.startsWith(root + '/')))
		.sort((a, b) => b.length - a.length);
}

function linkExists(name: string): boolean {
	return existsSync(`/sys/class/net/${name}`);
}

async function unmountAll(root: string): Promise<void> {
	for (const point of mountsUnder(root)) {
		const result = await runCommand('umount', [point]);
		if (result.exitCode !== 0) {
			await runCommand('umount', ['-l', point]);
		}
	}
}

const enginePrefix = 'mtls-private-dockerd-';

/** Engines of crashed test processes: their dockerd is gone but mounts and data stay behind. */
async function removeOrphanedEngines(): Promise<void> {
	for (const entry of await readdir(tmpdir())) {
		if (!entry.startsWith(enginePrefix)) {
			continue;
		}

		const root = join(tmpdir(), entry);
		const pid = Number(await readFile(join(root, 'dockerd.pid'), 'utf8').catch(() => 'NaN'));
		if (Number.isInteger(pid) && pidAlive(pid)) {
			continue;
		}

		const stat = await lstat(root).catch(() => undefined);
		// A directory without a live dockerd younger than a minute may be an engine still starting.
		if (!stat || Date.now() - stat.mtimeMs < 60_000) {
			continue;
		}

		await unmountAll(root);
		await rm(root, {recursive: true, force: true}).catch(() => undefined);
	}
}

async function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
	if (child.exitCode !== null || child.signalCode !== null) {
		return true;
	}

	return Promise.race([
		new Promise<boolean>(resolve => child.once('exit', () => {
			resolve(true);
		})),
		sleep(timeoutMs, false, {ref: false}),
	]);
}

function pidAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

async function tail(file: string, lines: number): Promise<string> {
	try {
		return (await readFile(file, 'utf8')).trim().split('\n').slice(-lines).join('\n');
	} catch {
		return '(no dockerd log)';
	}
}

const swarmLockDir = join(tmpdir(), 'mtls-wizard-swarm.lock');
const swarmHolders = new Set<string>();

/**
 * Starts a dockerd of its own: own socket, data root, exec root (with its own managed containerd), no bridge, no iptables.
 * Containers on it must use `--network host` or `none`. Throws, naming what is missing, when the engine cannot run here.
 */
export async function startPrivateDocker(): Promise<PrivateDocker> {
	const dockerd = requireTools();
	await removeOrphanedEngines();
	const root = await mkdtemp(join(tmpdir(), enginePrefix));
	const dataRoot = join(root, 'data');
	const execRoot = join(root, 'exec');
	const configDir = join(root, 'config');
	await Promise.all([mkdir(dataRoot), mkdir(execRoot), mkdir(configDir)]);
	const socket = join(root, 'docker.sock');
	const host = `unix://${socket}`;
	const logFile = join(root, 'dockerd.log');
	const env: NodeJS.ProcessEnv = {...process.env, DOCKER_HOST: host, DOCKER_CONFIG: configDir, DOCKER_CLI_HINTS: 'false'};
	delete env['DOCKER_CONTEXT'];
	delete env['DOCKER_TLS_VERIFY'];
	delete env['DOCKER_CERT_PATH'];

	const logFd = openSync(logFile, 'a');
	const daemon = spawn(dockerd, [
		'--host', host,
		'--data-root', dataRoot,
		'--exec-root', execRoot,
		'--pidfile', join(root, 'dockerd.pid'),
		'--bridge=none',
		'--iptables=false',
		'--ip6tables=false',
		'--ip-forward=false',
		'--ip-masq=false',
		'--userland-proxy=false',
	], {stdio: ['ignore', logFd, logFd]});
	closeSync(logFd);
	// A crashed test must not leave a daemon behind; SIGTERM lets dockerd stop its containerd too.
	const killOnExit = () => {
		daemon.kill('SIGTERM');
	};

	process.once('exit', killOnExit);

	let stopped = false;
	const stop = async () => {
		if (stopped) {
			return;
		}

		stopped = true;
		if (daemon.exitCode === null && daemon.signalCode === null) {
			const ids = (await runCommand('docker', ['ps', '-aq'], {env})).stdout.split('\n').filter(Boolean);
			if (ids.length > 0) {
				await runCommand('docker', ['rm', '-f', ...ids], {env});
			}

			await runCommand('docker', ['swarm', 'leave', '--force'], {env});
		}

		const containerdPidFile = join(execRoot, 'containerd', 'containerd.pid');
		const containerdPid = existsSync(containerdPidFile) ? Number((await readFile(containerdPidFile, 'utf8')).trim()) : Number.NaN;
		daemon.kill('SIGTERM');
		if (!await exited(daemon, 30_000)) {
			daemon.kill('SIGKILL');
			await exited(daemon, 5000);
		}

		process.removeListener('exit', killOnExit);
		if (Number.isInteger(containerdPid) && pidAlive(containerdPid)) {
			process.kill(containerdPid, 'SIGTERM');
			for (let i = 0; i < 50 && pidAlive(containerdPid); i++) {
				await sleep(100);
			}
		}

		await unmountAll(root);

		// The swarm lock holder owns docker_gwbridge, including one left by a crashed earlier run; other engines never make it.
		if (swarmHolders.has(host) && linkExists('docker_gwbridge')) {
			await runCommand('ip', ['link', 'delete', 'docker_gwbridge']);
		}

		if (swarmHolders.delete(host)) {
			await rm(swarmLockDir, {recursive: true, force: true});
		}

		await rm(root, {recursive: true, force: true, maxRetries: 3});
	};

	const deadline = Date.now() + 60_000;
	for (;;) {
		if (daemon.exitCode !== null || daemon.signalCode !== null) {
			const log = await tail(logFile, 15);
			await stop();
			throw new Error(`Private dockerd exited during startup (${daemon.exitCode ?? daemon.signalCode}). Last log lines:\n${log}`);
		}

		const info = await runCommand('docker', ['info', '--format', '{{.ServerVersion}}'], {env, timeoutMs: 10_000});
		if (info.exitCode === 0 && info.stdout.trim() !== '') {
			break;
		}

		if (Date.now() > deadline) {
			const log = await tail(logFile, 15);
			await stop();
			throw new Error(`Private dockerd did not answer 'docker info' within 60 s: ${info.stderr.trim()}\nLast dockerd log lines:\n${log}`);
		}

		await sleep(250);
	}

	return {host, env, stop};
}

/** A TCP port free on 127.0.0.1 right now (the caller binds it soon after). */
export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => {
				if (address && typeof address === 'object') {
					resolve(address.port);
				} else {
					reject(new Error('no port'));
				}
			});
		});
	});
}

/**
 * Makes the private engine a single-node swarm on 127.0.0.1. Swarm creates the host-wide `docker_gwbridge` link and
 * uses the global VXLAN port, so only one private swarm may exist at a time: this waits for a lock held across
 * test processes until the owning engine's stop().
 */
export async function initSwarm(env: NodeJS.ProcessEnv): Promise<void> {
	const host = env['DOCKER_HOST'];
	if (!host?.startsWith('unix://')) {
		throw new Error('initSwarm needs the env of startPrivateDocker() (DOCKER_HOST=unix://…)');
	}

	const deadline = Date.now() + 10 * 60_000;
	for (;;) {
		try {
				await mkdir(swarmLockDir);
			await writeFile(join(swarmLockDir, 'owner'), `${process.pid}\n`);
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
				throw error;
			}

			const owner = Number(await readFile(join(swarmLockDir, 'owner'), 'utf8').catch(() => 'NaN'));
			if (Number.isInteger(owner) && !pidAlive(owner)) {
				await rm(swarmLockDir, {recursive: true, force: true});
				continue;
			}

			if (Date.now() > deadline) {
				throw new Error(`initSwarm: another private swarm (pid ${owner}) held ${swarmLockDir} for 10 minutes`);
			}

			await sleep(500);
		}
	}

	swarmHolders.add(host);
	const port = await freePort();
	await docker(env, ['swarm', 'init', '--advertise-addr', '127.0.0.1', '--listen-addr', `127.0.0.1:${port}`]);
}
