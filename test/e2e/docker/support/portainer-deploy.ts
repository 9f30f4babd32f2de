import {join} from 'node:path';
import type {CliResult} from '../../../support/run-cli.js';
import {freePort, initSwarm} from '../../../support/private-docker.js';
import type {DockerE2e} from './docker-e2e.js';

export type PortainerImages = {server: string; agent: string};

/** Portainer alone (no Edge key yet): the server with its three mTLS files, confirmed by the probe on a free port. */
export function portainerRunArgs(e2e: DockerE2e, images: PortainerImages, target: 'docker' | 'swarm', out: string, port: number, extra: string[] = []): string[] {
	return [
		'run', 'portainer', '--target', target, '--out', out,
		'--set', 'mtlsDomain=portainer.test',
		'--set', `serverImage=${images.server}`,
		'--set', `agentImage=${images.agent}`,
		'--set', `httpsPort=${port}`,
		'--set', `dockerSocket=${e2e.socket}`,
		// The routing mesh needs IPVS, which this kernel lacks; the recipe's default stays ingress.
		...(target === 'swarm' ? ['--set', 'publishMode=host'] : []),
		...extra,
		'--yes',
	];
}

/**
 * Deploys Portainer into <work>/<name> with its own MTLS_WIZARD_HOME; a swarm target makes the engine a swarm first.
 * `options.port` is the HTTPS port (a free one if not given), `options.env` extra environment such as a secret answer.
 */
export async function deployPortainer(
	e2e: DockerE2e,
	images: PortainerImages,
	target: 'docker' | 'swarm',
	name: string,
	extra: string[] = [],
	options: {port?: number; env?: NodeJS.ProcessEnv; timeoutMs?: number} = {},
): Promise<{out: string; env: NodeJS.ProcessEnv; result: CliResult}> {
	if (target === 'swarm') await initSwarm(e2e.engine.env);
	const out = join(e2e.work, name);
	const env = e2e.cliEnv(name, options.env);
	const result = await e2e.wizard(portainerRunArgs(e2e, images, target, out, options.port ?? (await freePort()), extra), env, options.timeoutMs);
	return {out, env, result};
}

/**
 * What in an Edge Agent's log says its mutual TLS is not working: any FTL line, any short-poll error after its first
 * successful poll, and before it any short-poll error other than "nobody answers yet" (EOF, refused, reset, timeout,
 * unknown host), which an agent started beside its server logs until the server listens. Nor is this FTL
 * before the first successful poll: a swarm task that asked Docker's DNS for tasks.<service> before its own address
 * was registered exits (platforms.md: agent cmd/agent/main.go log.Fatal), and the global service starts it again,
 * as on a loaded swarm. Empty when all is well.
 */
export function agentLogProblems(log: string): string[] {
	const lines = log.split('\n');
	const firstPoll = lines.findIndex(line => /checkin_interval_seconds=/.test(line));
	const serverNotUpYet = /an error occured during short poll.*(context deadline exceeded|connection refused|no such host|: EOF\\?"|connection reset by peer)/;
	const clusterNotUpYet = /FTL .*unable to retrieve a list of IP associated to the host .*no such host/;
	const beforeFirstPoll = (index: number) => firstPoll !== -1 && index < firstPoll;
	return lines.filter((line, index) => {
		if (/(^|\s)FTL\s/.test(line)) return !(clusterNotUpYet.test(line) && beforeFirstPoll(index));
		return /an error occured/.test(line) && (!beforeFirstPoll(index) || !serverNotUpYet.test(line));
	});
}
