import {execFile, spawn, type ChildProcess} from 'node:child_process';
import {accessSync, constants, openSync, closeSync, readFileSync, existsSync} from 'node:fs';
import {lstat, mkdir, mkdtemp, readdir, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {delimiter, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {setTimeout as sleep} from 'node:timers/promises';

export type PrivateDocker = {
	/** `unix://…/docker.sock`, the value for DOCKER_HOST. */
	host: string;
	/** process.env plus DOCKER_HOST and a private DOCKER_CONFIG: pass it to every docker command. */
	env: NodeJS.ProcessEnv;
	/** The network namespace the engine and its containers live in; see inNamespace(). */
	netns: string;
	/** Removes containers, leaves the swarm, stops dockerd, its containerd and the DNS server, unmounts and deletes everything it made, the namespace included. */
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

const packageOf: Record<string, string> = {
	dockerd: 'docker.io', containerd: 'docker.io', 'containerd-shim-runc-v2': 'docker.io', runc: 'docker.io', docker: 'docker.io',
	ip: 'iproute2', nsenter: 'util-linux', iptables: 'iptables',
};

/** The absolute path of a tool the private engine needs; throws naming the Debian package when it is missing. */
function tool(name: string): string {
	const found = findExecutable(name);
	if (!found) {
		throw new Error(`Cannot start a private Docker engine: ${name} not found on PATH or in /usr/sbin. Install Debian's ${packageOf[name] ?? name} (apt-get install ${packageOf[name] ?? name}).`);
	}

	return found;
}

function requireTools(): string {
	const missing = Object.keys(packageOf).filter(name => !findExecutable(name));
	if (missing.length > 0) {
		const packages = [...new Set(missing.map(name => packageOf[name]!))].join(' ');
		throw new Error(`Cannot start a private Docker engine: ${missing.join(', ')} not found on PATH or in /usr/sbin. Install Debian's ${packages} (apt-get install ${packages}).`);
	}

	if (process.getuid?.() !== 0) {
		throw new Error('Cannot start a private Docker engine: dockerd and network namespaces need root (this process runs as uid ' + String(process.getuid?.()) + ').');
	}

	return tool('dockerd');
}

function mountsUnder(root: string): string[] {
	// Field 5 of mountinfo is the mount point; octal escapes only matter for paths with spaces, which ours lack.
	return readFileSync('/proc/self/mountinfo', 'utf8')
		.split('\n')
		.map(line => line.split(' ')[4])
		.filter((point): point is string => point !== undefined && (point === root || point.startsWith(root + '/')))
		.sort((a, b) => b.length - a.length);
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

const namespacePrefix = 'mtls-test-';
let namespaceCount = 0;

/** The default bridge's gateway: the Docker host as its containers see it, where published ports answer. */
export const dockerHostAddress = '172.17.0.1';

/** Names under this suffix resolve to the Docker host in every container of a private engine (test-dns.mjs). */
export const testDomainSuffix = '.test';

const testDnsScript = fileURLToPath(new URL('test-dns.mjs', import.meta.url));

function namespacePath(name: string): string {
	return `/run/netns/${name}`;
}

/** argv that runs `file args` inside the network namespace. nsenter execs in place, so a signal reaches `file`. */
export function inNamespace(netns: string, file: string, args: string[]): [string, string[]] {
	return [tool('nsenter'), [`--net=${namespacePath(netns)}`, file, ...args]];
}

async function deleteNamespace(name: string): Promise<void> {
	const pids = (await runCommand(tool('ip'), ['netns', 'pids', name])).stdout.split('\n').map(Number).filter(pid => Number.isInteger(pid) && pid > 0);
	for (const pid of pids) {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {}
	}

	for (let attempt = 0; attempt < 50 && pids.some(pidAlive); attempt++) {
		await sleep(100);
	}

	await runCommand(tool('ip'), ['netns', 'delete', name]);
}

/** Namespaces of crashed test processes (the pid in the name is gone): their processes are killed, then they go. */
async function removeOrphanedNamespaces(): Promise<void> {
	const names = (await runCommand(tool('ip'), ['netns', 'list'])).stdout.split('\n').map(line => line.split(' ')[0] ?? '');
	for (const name of names) {
		const owner = /^mtls-test-(\d+)-\d+$/.exec(name)?.[1];
		if (owner && !pidAlive(Number(owner))) {
			await deleteNamespace(name);
		}
	}
}

/** Starts a process in the namespace and resolves once it prints `ready` on stdout. */
async function startReady(netns: string, file: string, args: string[], ready: RegExp): Promise<ChildProcess> {
	const [command, argv] = inNamespace(netns, file, args);
	const child = spawn(command, argv, {stdio: ['ignore', 'pipe', 'pipe']});
	let output = '';
	await new Promise<void>((resolve, reject) => {
		const onData = (chunk: Buffer) => {
			output += chunk.toString('utf8');
			if (ready.test(output)) resolve();
		};

		child.stdout!.on('data', onData);
		child.stderr!.on('data', onData);
		child.once('exit', code => {
			reject(new Error(`${file} ${args.join(' ')} exited (${String(code)}) before it was ready: ${output.trim()}`));
		});
	});
	return child;
}

/**
 * Starts a dockerd of its own inside a network namespace of its own (`ip netns add`, then `nsenter --net=…`; not
 * `ip netns exec`, which remounts /sys so dockerd fails with "Devices cgroup isn't mounted"), with its own socket,
 * data and exec roots, and bridge networking and iptables on: inside the namespace containers get the networks
 * users have (the default bridge with published ports, user-defined networks, swarm overlays with tasks.<service>
 * DNS) while nothing of the host's network changes. Containers resolve `*.test` to the Docker host through a DNS
 * server in the namespace. Programs that must reach the containers (the wizard, test clients) run inside it
 * through inNamespace(). Throws, naming what is missing, when the engine cannot run here.
 */
export async function startPrivateDocker(): Promise<PrivateDocker> {
	const dockerd = requireTools();
	await removeOrphanedNamespaces();
	await removeOrphanedEngines();
	const netns = `${namespacePrefix}${process.pid}-${namespaceCount++}`;
	const created = await runCommand(tool('ip'), ['netns', 'add', netns]);
	if (created.exitCode !== 0) {
		throw new Error(`Cannot create the network namespace ${netns} for a private Docker engine: ${created.stderr.trim()}`);
	}

	await runCommand(tool('ip'), ['-n', netns, 'link', 'set', 'lo', 'up']);
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

	let dns: ChildProcess | undefined;
	let daemon: ChildProcess | undefined;
	let stopped = false;
	const killOnExit = () => {
		daemon?.kill('SIGTERM');
		dns?.kill('SIGKILL');
	};

	process.once('exit', killOnExit);
	const stop = async () => {
		if (stopped) {
			return;
		}

		stopped = true;
		if (daemon && daemon.exitCode === null && daemon.signalCode === null) {
			const ids = (await runCommand('docker', ['ps', '-aq'], {env})).stdout.split('\n').filter(Boolean);
			if (ids.length > 0) {
				await runCommand('docker', ['rm', '-f', ...ids], {env});
			}

			await runCommand('docker', ['swarm', 'leave', '--force'], {env});
		}

		const containerdPidFile = join(execRoot, 'containerd', 'containerd.pid');
		const containerdPid = existsSync(containerdPidFile) ? Number((await readFile(containerdPidFile, 'utf8')).trim()) : Number.NaN;
		if (daemon) {
			daemon.kill('SIGTERM');
			if (!await exited(daemon, 30_000)) {
				daemon.kill('SIGKILL');
				await exited(daemon, 5000);
			}
		}

		dns?.kill('SIGKILL');
		process.removeListener('exit', killOnExit);
		if (Number.isInteger(containerdPid) && pidAlive(containerdPid)) {
			process.kill(containerdPid, 'SIGTERM');
			for (let i = 0; i < 50 && pidAlive(containerdPid); i++) {
				await sleep(100);
			}
		}

		await unmountAll(root);
		// Whatever still runs in the namespace (shims, docker-proxy) dies with it; its links and rules go too.
		await deleteNamespace(netns);
		await rm(root, {recursive: true, force: true, maxRetries: 3});
	};

	const logFd = openSync(logFile, 'a');
	const [command, argv] = inNamespace(netns, dockerd, [
		'--host', host,
		'--data-root', dataRoot,
		'--exec-root', execRoot,
		'--pidfile', join(root, 'dockerd.pid'),
		'--bip', `${dockerHostAddress}/16`,
		'--dns', dockerHostAddress,
	]);
	daemon = spawn(command, argv, {stdio: ['ignore', logFd, logFd]});
	closeSync(logFd);

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

	// Bound to docker0's address, not 0.0.0.0: an unbound UDP reply would leave from the client network's own
	// gateway address, and resolvers (Docker's embedded DNS among them) drop answers from an address they did not ask.
	try {
		dns = await startReady(netns, process.execPath, [testDnsScript, '--bind', dockerHostAddress, '--suffix', `${testDomainSuffix}=${dockerHostAddress}`], /listening/);
	} catch (error) {
		await stop();
		throw error;
	}

	return {host, env, netns, stop};
}

export {freePort} from './free-port.js';

/**
 * Makes the private engine a single-node swarm. Each engine has a network namespace of its own, so its
 * docker_gwbridge, ingress network and VXLAN port are its own too.
 */
export async function initSwarm(env: NodeJS.ProcessEnv): Promise<void> {
	await docker(env, ['swarm', 'init', '--advertise-addr', '127.0.0.1']);
}

export type NamespaceHttpsResult = {status?: number; body?: string; error?: string; code?: string};

const httpsGetScript = fileURLToPath(new URL('fixtures/https-get.mjs', import.meta.url));

/**
 * An HTTPS GET from inside the engine's network namespace, where published ports and container addresses are
 * (the test process itself stays in the host's). Files are paths; never rejects: a refusal is a result.
 */
export async function httpsGetInNamespace(
	netns: string,
	request: {url: string; servername?: string; ca?: string; cert?: string; key?: string},
): Promise<NamespaceHttpsResult> {
	const [file, args] = inNamespace(netns, process.execPath, [httpsGetScript, JSON.stringify(request)]);
	const result = await runCommand(file, args);
	const line = result.stdout.trim().split('\n').pop() ?? '';
	try {
		return JSON.parse(line) as NamespaceHttpsResult;
	} catch {
		return {error: `https-get printed no result (exit ${result.exitCode}): ${result.stderr.trim()}`};
	}
}
