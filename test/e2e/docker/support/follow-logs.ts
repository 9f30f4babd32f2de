import {spawn, type ChildProcess} from 'node:child_process';

/**
 * Every log line of every container matching `filters` (docker events filters, e.g. container=NAME or
 * label=com.docker.swarm.service.name=NAME) that starts from `since` on, each container followed from its first
 * line with `docker logs -f`: a workload that is re-created (a container removed and run again) is watched across
 * every one of its containers, which `docker logs` after the fact cannot do once a container was removed.
 */
export type LogFollower = {
	/** Lines so far, each with the id of the container that wrote it. */
	lines(): Array<{container: string; line: string}>;
	stop(): void;
};

export function followLogs(env: NodeJS.ProcessEnv, filters: string[], since: Date): LogFollower {
	const children: ChildProcess[] = [];
	const collected: Array<{container: string; line: string}> = [];
	const followed = new Set<string>();
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

	const events = spawn('docker', ['events', '--since', String(Math.floor(since.getTime() / 1000)), '--filter', 'type=container', '--filter', 'event=start', ...filters.flatMap(filter => ['--filter', filter]), '--format', '{{.ID}}'], {env, stdio: ['ignore', 'pipe', 'pipe']});
	children.push(events);
	onLines(events, id => {
		if (!id || followed.has(id)) return;
		followed.add(id);
		const logs = spawn('docker', ['logs', '-f', id], {env, stdio: ['ignore', 'pipe', 'pipe']});
		children.push(logs);
		onLines(logs, line => collected.push({container: id, line}));
	});
	return {
		lines: () => [...collected],
		stop() {
			for (const child of children) child.kill();
		},
	};
}
