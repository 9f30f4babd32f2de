import {spawn, type ChildProcess} from 'node:child_process';

/**
 * Every log line of every container named `name` that starts from `since` on, each container followed from its
 * first line with `docker logs -f`: a workload that is re-created (a container removed and run again) is watched
 * across every one of its containers, which `docker logs` after the fact cannot do once a container was removed.
 */
/** What a follower has seen: the containers whose start it saw (in order), those whose log it read to the end (the container stopped), the lines. */
export type FollowedSoFar = {started: string[]; ended: ReadonlySet<string>; lines: Array<{container: string; line: string}>};

export type LogFollower = {
	/** Lines so far, each with the id of the container that wrote it. */
	lines(): Array<{container: string; line: string}>;
	/**
	 * Resolves once `done` holds for what was seen so far. The events and the logs come on pipes of their own, behind
	 * whatever else the test awaited, so a test waits here for what it checks next. The limit only turns what never
	 * comes into a failure that names `what`.
	 */
	until(done: (seen: FollowedSoFar) => boolean, what: string): Promise<void>;
	stop(): void;
};

const followPatienceMs = 120_000;

export function followLogs(env: NodeJS.ProcessEnv, name: string, since: Date): LogFollower {
	const children: ChildProcess[] = [];
	const collected: Array<{container: string; line: string}> = [];
	const started: string[] = [];
	const ended = new Set<string>();
	const listeners = new Set<() => void>();
	const changed = () => {
		for (const listener of listeners) listener();
	};

	const onLines = (child: ChildProcess, each: (line: string) => void) => {
		let rest = '';
		const take = (chunk: Buffer) => {
			const text = rest + chunk.toString('utf8');
			const parts = text.split('\n');
			rest = parts.pop() ?? '';
			for (const part of parts) each(part);
		};

		child.stdout?.on('data', take);
		child.stderr?.on('data', take);
	};

	// The container filter also matches names that start with `name` (portainer matches portainer_edge_agent): the
	// name is printed beside the id and compared whole.
	const events = spawn('docker', ['events', '--since', String(Math.floor(since.getTime() / 1000)), '--filter', 'type=container', '--filter', 'event=start', '--filter', `container=${name}`, '--format', '{{.ID}} {{.Actor.Attributes.name}}'], {env, stdio: ['ignore', 'pipe', 'pipe']});
	children.push(events);
	onLines(events, event => {
		const [id, startedName] = event.split(' ');
		if (!id || startedName !== name || started.includes(id)) return;
		started.push(id);
		const logs = spawn('docker', ['logs', '-f', id], {env, stdio: ['ignore', 'pipe', 'pipe']});
		children.push(logs);
		onLines(logs, line => {
			collected.push({container: id, line});
			changed();
		});
		logs.once('close', () => {
			ended.add(id);
			changed();
		});
		changed();
	});
	return {
		lines: () => [...collected],
		async until(done, what) {
			return new Promise((resolve, reject) => {
				const check = () => {
					if (!done({started: [...started], ended, lines: [...collected]})) return;
					clearTimeout(timer);
					listeners.delete(check);
					resolve();
				};

				const timer = setTimeout(() => {
					listeners.delete(check);
					reject(new Error(`waited ${followPatienceMs / 1000} s for ${what}. Containers started: ${started.join(', ')}; logs read to the end: ${[...ended].join(', ')}. Lines:\n${collected.map(entry => `${entry.container.slice(0, 12)} ${entry.line}`).join('\n')}`));
				}, followPatienceMs);
				listeners.add(check);
				check();
			});
		},
		stop() {
			for (const child of children) child.kill();
		},
	};
}
