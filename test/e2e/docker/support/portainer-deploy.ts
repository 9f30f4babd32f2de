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

/** Deploys Portainer into <work>/<name> with its own MTLS_WIZARD_HOME; a swarm target makes the engine a swarm first. */
export async function deployPortainer(e2e: DockerE2e, images: PortainerImages, target: 'docker' | 'swarm', name: string, extra: string[] = []): Promise<{out: string; env: NodeJS.ProcessEnv; result: CliResult}> {
	if (target === 'swarm') await initSwarm(e2e.engine.env);
	const out = join(e2e.work, name);
	const env = e2e.cliEnv(name);
	const result = await e2e.wizard(portainerRunArgs(e2e, images, target, out, await freePort(), extra), env);
	return {out, env, result};
}
