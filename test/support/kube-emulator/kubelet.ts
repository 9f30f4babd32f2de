import {spawn, type ChildProcess} from 'node:child_process';
import {chmodSync, chownSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {dirname, join, relative, sep} from 'node:path';
import {recordEvent} from './events.js';
import {ContainerLog} from './logs.js';
import {imageEntrypoint, standInScript, unreachableDirectory} from './image-entrypoint.js';
import type {LogRequest} from './server.js';
import type {KubeObject} from './selectors.js';
import {ApiError, now, type Change, type Store} from './store.js';
import {expandReferences, processIdentity, resolveEnv, resolveVolumes, type Blocker, type Container, type PodSpec, type UserId, type VolumeFiles} from './pod-inputs.js';

type Run = {child: ChildProcess; log: ContainerLog; startedAt: string; exited?: Promise<void>};
type ContainerState = {
	name: string;
	image: string;
	root: string;
	run?: Run;
	previous?: ContainerLog;
	restartCount: number;
	waiting?: {reason: string; message?: string};
	terminated?: {exitCode: number; reason: string; startedAt: string; finishedAt: string};
	restartTimer?: NodeJS.Timeout;
};
/** What an image reference stands for: the argv in place of its entrypoint, and the image's USER. */
export type ImageSpec = {entrypoint: string[]; user: UserId};
type PodState = {uid: string; namespace: string; name: string; dir: string; containers: Map<string, ContainerState>; startTime: string; started: boolean};

const source = {component: 'kubelet', host: 'emulator-node'};

/**
 * Runs pods as local processes: each container's image is looked up in the test's image map and
 * started with the pod's args and env as the user its securityContext (or the image) names, with
 * secret/configMap volumes written as files under the container's root (STAND_IN_ROOT), owned and
 * moded as a kubelet leaves them. Missing inputs keep the pod Pending with the kubelet's events.
 */
export class Kubelet {
	private readonly pods = new Map<string, PodState>();
	private readonly pending = new Set<string>();
	private scheduled = false;
	private stopping = false;

	constructor(
		private readonly store: Store,
		private readonly options: {images: Record<string, ImageSpec>; podsRoot: string},
	) {
		store.on('change', change => this.onChange(change));
	}

	private onChange(change: Change): void {
		if (this.stopping) return;
		if (change.bucket === '/pods') {
			if (change.type === 'DELETED') {
				void this.killPod(change.object.metadata.uid ?? '');
			} else {
				this.queue(change.object.metadata.namespace ?? '', change.object.metadata.name);
			}
		}
		if (change.bucket === '/secrets' || change.bucket === '/configmaps') {
			for (const pod of this.store.list('/pods', change.object.metadata.namespace)) this.queue(pod.metadata.namespace ?? '', pod.metadata.name);
		}
	}

	private queue(namespace: string, name: string): void {
		this.pending.add(`${namespace}/${name}`);
		if (this.scheduled) return;
		this.scheduled = true;
		setImmediate(() => {
			this.scheduled = false;
			const keys = [...this.pending];
			this.pending.clear();
			for (const key of keys) {
				const [namespace = '', name = ''] = key.split('/');
				const pod = this.store.get('/pods', namespace, name);
				if (pod) this.sync(pod);
			}
		});
	}

	private sync(pod: KubeObject): void {
		if (this.stopping) return;
		const uid = pod.metadata.uid ?? '';
		const spec = pod.spec as PodSpec;
		let state = this.pods.get(uid);
		if (!state) {
			const dir = join(this.options.podsRoot, pod.metadata.namespace ?? 'default', `${pod.metadata.name}-${uid.slice(0, 8)}`);
			state = {uid, namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name, dir, containers: new Map(), startTime: now(), started: false};
			for (const container of spec.containers) {
				state.containers.set(container.name, {name: container.name, image: container.image, root: join(dir, container.name), restartCount: 0});
			}
			this.pods.set(uid, state);
			recordEvent(this.store, pod, 'Normal', 'Scheduled', `Successfully assigned ${state.namespace}/${state.name} to emulator-node`, {component: 'default-scheduler'});
		}
		if (!state.started) {
			this.tryStart(pod, state, spec);
		} else {
			this.refreshVolumes(state, spec);
		}
		this.writeStatus(pod, state);
	}

	private tryStart(pod: KubeObject, state: PodState, spec: PodSpec): void {
		const volumes = resolveVolumes(this.store, state.namespace, spec);
		if ('blocker' in volumes) {
			this.block(pod, state, 'ContainerCreating', volumes.blocker);
			return;
		}
		for (const container of spec.containers) {
			const containerState = state.containers.get(container.name);
			if (!containerState) continue;
			if (!this.options.images[container.image]) {
				containerState.waiting = {reason: 'ErrImagePull', message: `no stand-in is mapped for image "${container.image}" (the emulator never pulls)`};
				recordEvent(this.store, pod, 'Warning', 'Failed', `Failed to pull image "${container.image}": ${containerState.waiting.message}`, source);
				recordEvent(this.store, pod, 'Warning', 'Failed', 'Error: ErrImagePull', source);
				return;
			}
			const env = resolveEnv(this.store, pod, container);
			if ('blocker' in env) {
				containerState.waiting = {reason: 'CreateContainerConfigError', message: env.blocker.message};
				recordEvent(this.store, pod, 'Warning', 'Failed', `Error: ${env.blocker.message}`, source);
				return;
			}
		}
		state.started = true;
		for (const container of spec.containers) {
			const containerState = state.containers.get(container.name);
			if (!containerState) continue;
			materialise(containerState.root, volumes.files, container, spec.securityContext?.fsGroup);
			this.startContainer(pod, state, containerState, container);
		}
	}

	private block(pod: KubeObject, state: PodState, reason: string, blocker: Blocker): void {
		for (const containerState of state.containers.values()) containerState.waiting = {reason};
		recordEvent(this.store, pod, 'Warning', blocker.reason, blocker.message, source);
	}

	private startContainer(pod: KubeObject, state: PodState, containerState: ContainerState, container: Container): void {
		const env = resolveEnv(this.store, pod, container);
		const image = this.options.images[container.image];
		if ('blocker' in env || !image) return;
		const identity = processIdentity(pod.spec as PodSpec, container, image.user);
		const [program = '', ...entryArgs] = imageEntrypoint(image.entrypoint, identity, `${containerState.root}.image`);
		const args = (container.args ?? []).map(arg => expandReferences(arg, env.values));
		const log = new ContainerLog();
		const script = standInScript(entryArgs);
		const hidden = script === undefined ? undefined : unreachableDirectory(script, identity);
		if (hidden) {
			log.append(Buffer.from(`kube-emulator: uid ${identity.uid} cannot enter ${hidden}, so the image's entrypoint ${script} is out of its reach; clone the checkout under a directory other users may enter (not a 0700 mktemp -d)\n`));
		}

		recordEvent(this.store, pod, 'Normal', 'Pulled', `Container image "${container.image}" already present on machine`, source);
		// Node's uid/gid options drop every supplementary group, so fsGroup could not be one: setpriv (util-linux)
		// sets all three and then execs the entrypoint, as a container runtime does. --pdeathsig: a test worker
		// killed before it stops the emulator takes its pods with it, as a node's containers go with the node.
		const groups = identity.groups.length > 0 ? ['--groups', identity.groups.join(',')] : ['--clear-groups'];
		const user = ['--reuid', String(identity.uid), '--regid', String(identity.gid), ...groups, '--pdeathsig', 'SIGKILL'];
		const child = spawn('setpriv', [...user, '--', program, ...entryArgs, ...args], {
			cwd: containerState.root,
			env: {
				PATH: process.env.PATH,
				HOSTNAME: state.name,
				...env.values,
				STAND_IN_ROOT: containerState.root,
				...(container.command ? {STAND_IN_COMMAND: JSON.stringify(container.command.map(part => expandReferences(part, env.values)))} : {}),
			},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		child.stdout?.on('data', (data: Buffer) => log.append(data));
		child.stderr?.on('data', (data: Buffer) => log.append(data));
		const run: Run = {child, log, startedAt: now()};
		run.exited = new Promise(resolve => {
			child.once('close', (code, signal) => {
				log.end();
				resolve();
				this.onExit(state, containerState, run, code ?? (signal ? 137 : 1));
			});
			child.once('error', error => {
				log.append(Buffer.from(`kube-emulator: could not start ${program} through setpriv (util-linux, needed to run as the pod's user): ${error.message}\n`));
			});
		});
		containerState.previous = containerState.run?.log;
		containerState.run = run;
		containerState.waiting = undefined;
		containerState.terminated = undefined;
		recordEvent(this.store, pod, 'Normal', 'Created', `Created container ${container.name}`, source);
		recordEvent(this.store, pod, 'Normal', 'Started', `Started container ${container.name}`, source);
	}

	private onExit(state: PodState, containerState: ContainerState, run: Run, exitCode: number): void {
		if (this.stopping || !this.pods.has(state.uid) || containerState.run !== run) return;
		const pod = this.store.get('/pods', state.namespace, state.name);
		if (!pod) return;
		const spec = pod.spec as PodSpec;
		containerState.terminated = {exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: run.startedAt, finishedAt: now()};
		const policy = spec.restartPolicy ?? 'Always';
		if (policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0)) {
			const delay = Math.min(10_000, 1000 * 2 ** containerState.restartCount);
			containerState.waiting = {reason: 'CrashLoopBackOff', message: `back-off restarting failed container ${containerState.name} in pod ${state.name}`};
			recordEvent(this.store, pod, 'Warning', 'BackOff', 'Back-off restarting failed container', source);
			containerState.restartTimer = setTimeout(() => {
				const current = this.store.get('/pods', state.namespace, state.name);
				const container = spec.containers.find(c => c.name === containerState.name);
				if (!current || !container || !this.pods.has(state.uid)) return;
				containerState.restartCount++;
				this.startContainer(current, state, containerState, container);
				this.writeStatus(current, state);
			}, delay);
		}
		this.writeStatus(pod, state);
	}

	/** Secret and ConfigMap updates reach running pods' files, as the kubelet's periodic sync does. */
	private refreshVolumes(state: PodState, spec: PodSpec): void {
		const volumes = resolveVolumes(this.store, state.namespace, spec);
		if ('blocker' in volumes) return;
		for (const container of spec.containers) {
			const containerState = state.containers.get(container.name);
			if (containerState) materialise(containerState.root, volumes.files, container, spec.securityContext?.fsGroup, true);
		}
	}

	private writeStatus(pod: KubeObject, state: PodState): void {
		const containers = [...state.containers.values()];
		const running = (c: ContainerState) => c.run !== undefined && !c.run.log.ended && !c.waiting;
		const allRunning = containers.every(running);
		const allDone = containers.every(c => c.terminated && !c.waiting);
		const phase = allRunning ? 'Running' : allDone ? (containers.every(c => c.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed') : state.started ? 'Running' : 'Pending';
		const ready = allRunning ? 'True' : 'False';
		const transition = pod.metadata.creationTimestamp ?? state.startTime;
		const status = {
			phase,
			conditions: [
				{type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: transition},
				{type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: transition},
				{type: 'ContainersReady', status: ready, lastProbeTime: null, lastTransitionTime: transition},
				{type: 'Ready', status: ready, lastProbeTime: null, lastTransitionTime: transition},
			],
			hostIP: '127.0.0.1',
			podIP: '127.0.0.1',
			podIPs: [{ip: '127.0.0.1'}],
			startTime: state.startTime,
			containerStatuses: containers.map(c => ({
				name: c.name,
				image: c.image,
				imageID: '',
				ready: running(c),
				started: running(c),
				restartCount: c.restartCount,
				state: c.waiting
					? {waiting: c.waiting}
					: running(c)
						? {running: {startedAt: c.run?.startedAt}}
						: c.terminated
							? {terminated: c.terminated}
							: {waiting: {reason: 'ContainerCreating'}},
				...(c.terminated && c.waiting ? {lastState: {terminated: c.terminated}} : {}),
			})),
		};
		const current = this.store.get('/pods', state.namespace, state.name);
		if (!current || current.metadata.uid !== state.uid) return;
		current.status = status;
		this.store.update('/pods', current, 'pods');
	}

	serveLogs({pod, query, response}: LogRequest): void {
		const state = this.pods.get(pod.metadata.uid ?? '');
		const names = ((pod.spec as PodSpec).containers ?? []).map(c => c.name);
		const defaultContainer = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
		const name = query.get('container') ?? (names.length === 1 ? names[0] : defaultContainer);
		if (!name) {
			throw new ApiError(400, 'BadRequest', `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(' ')}]`);
		}
		const containerState = state?.containers.get(name);
		if (!names.includes(name)) {
			throw new ApiError(400, 'BadRequest', `container ${name} is not valid for pod ${pod.metadata.name}`);
		}
		const log = query.get('previous') === 'true' ? containerState?.previous : containerState?.run?.log;
		if (!log) {
			const reason = containerState?.waiting?.reason ?? 'ContainerCreating';
			throw new ApiError(400, 'BadRequest', `container "${name}" in pod "${pod.metadata.name}" is waiting to start: ${reason}`);
		}
		const number = (key: string) => (query.has(key) ? Number(query.get(key)) : undefined);
		log.serve(response, {follow: query.get('follow') === 'true', tailLines: number('tailLines'), sinceSeconds: number('sinceSeconds'), timestamps: query.get('timestamps') === 'true'});
	}

	private async killPod(uid: string): Promise<void> {
		const state = this.pods.get(uid);
		if (!state) return;
		this.pods.delete(uid);
		await Promise.all([...state.containers.values()].map(stopContainer));
		rmSync(state.dir, {recursive: true, force: true});
	}

	async stopAll(): Promise<void> {
		this.stopping = true;
		await Promise.all([...this.pods.keys()].map(uid => this.killPod(uid)));
	}
}

async function stopContainer(containerState: ContainerState): Promise<void> {
	if (containerState.restartTimer) clearTimeout(containerState.restartTimer);
	const run = containerState.run;
	if (!run || run.log.ended) return;
	run.child.kill('SIGTERM');
	const killer = setTimeout(() => run.child.kill('SIGKILL'), 3000);
	await run.exited;
	clearTimeout(killer);
}

/**
 * How the kubelet leaves a volume. Secret/configMap files are root-owned with their mode; with a pod fsGroup,
 * SetVolumeOwnership (pkg/volume/volume_linux.go) gives files and directories group fsGroup, adds 0440 to files
 * and 0550 plus setgid to directories of these read-only volumes. An emptyDir is 0777 (group fsGroup, setgid).
 * Read-only directories are 0755 here: traversable by every user, and not writable, as the read-only mount is not.
 */
function volumeOwnership(writable: boolean, fsGroup: number | undefined): {gid: number; dirMode: number; fileMode: (mode: number) => number} {
	const grouped = fsGroup !== undefined;
	return {
		gid: fsGroup ?? 0,
		dirMode: (writable ? 0o777 : 0o755) | (grouped ? 0o2550 : 0),
		fileMode: mode => (mode & 0o777) | (grouped ? 0o440 : 0),
	};
}

/** A root-owned directory with exactly `mode` (no umask) and group `gid`, created if missing. */
function ensureDir(path: string, mode: number, gid: number): void {
	mkdirSync(path, {recursive: true});
	chownSync(path, 0, gid);
	chmodSync(path, mode);
}

/** Each directory from `root` down to `path`, as the image's root-owned 0755 tree. */
function ensureTree(root: string, path: string): void {
	let current = root;
	ensureDir(current, 0o755, 0);
	for (const part of relative(root, path).split(sep).filter(Boolean)) {
		current = join(current, part);
		if (!statSync(current, {throwIfNoEntry: false})?.isDirectory()) ensureDir(current, 0o755, 0);
	}
}

/**
 * Writes the files of each mounted volume under the container root, owned and moded as volumeOwnership says.
 * A file is only rewritten when its bytes, mode or owner changed, so a process never sees a half-written file
 * because of an unrelated sync.
 */
function materialise(root: string, files: VolumeFiles, container: Container, fsGroup: number | undefined, refresh = false): void {
	ensureTree(root, root);
	for (const mount of container.volumeMounts ?? []) {
		const volume = files.get(mount.name);
		if (!volume || (refresh && mount.subPath)) continue;
		const {gid, dirMode, fileMode} = volumeOwnership(volume.writable, fsGroup);
		const base = join(root, mount.mountPath);
		ensureTree(root, dirname(base));
		const subPath = mount.subPath;
		if (!subPath || volume.writable || volume.entries.some(entry => entry.path.startsWith(`${subPath}/`))) ensureDir(base, dirMode, gid);
		for (const entry of volume.entries) {
			const inside = subPath ? (entry.path === subPath ? '' : entry.path.startsWith(`${subPath}/`) ? entry.path.slice(subPath.length + 1) : undefined) : entry.path;
			if (inside === undefined) continue;
			const path = join(base, inside);
			let directory = base;
			for (const part of dirname(inside).split(sep).filter(part => part && part !== '.')) {
				directory = join(directory, part);
				ensureDir(directory, dirMode, gid);
			}
			const mode = fileMode(entry.mode);
			const current = statSync(path, {throwIfNoEntry: false});
			if (current?.isFile() && (current.mode & 0o7777) === mode && current.uid === 0 && current.gid === gid && readFileSync(path).equals(entry.data)) continue;
			const temporary = `${path}.${process.pid}.tmp`;
			writeFileSync(temporary, entry.data, {mode});
			chownSync(temporary, 0, gid);
			chmodSync(temporary, mode);
			renameSync(temporary, path);
		}
	}
}
