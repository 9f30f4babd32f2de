import {StepFailedError} from '../errors.js';
import type {CommandSpec} from '../exec/types.js';
import type {StepContext} from './types.js';

/** All of the container's networks as JSON: one command whatever the network is called, and an error can list them. */
export function containerNetworksCommand(container: string, network: string): CommandSpec {
	return {
		file: 'docker',
		args: ['container', 'inspect', '--format', '{{json .NetworkSettings.Networks}}', container],
		note: `Look up the address of ${container} on the network ${network}, where the probe connects.`,
	};
}

/** The IP address the container has on the network, as the engine reports it now. */
export async function containerAddress(container: string, network: string, stepId: string, context: StepContext): Promise<string> {
	const result = await context.run(containerNetworksCommand(container, network));
	let networks: Record<string, {IPAddress?: string} | undefined>;
	try {
		networks = JSON.parse(result.stdout) as typeof networks;
	} catch {
		throw new StepFailedError(`${result.display} printed no network list: ${result.stdout.trim().slice(0, 200)}`, stepId);
	}

	const joined = Object.keys(networks ?? {});
	const address = networks?.[network]?.IPAddress;
	if (!joined.includes(network)) {
		throw new StepFailedError(
			`container ${container} is not on the network ${network} (it is on: ${joined.join(', ') || 'no network'})`,
			stepId,
			`The probe reaches ${container} through ${network}; check the container's --network.`,
		);
	}

	if (!address) {
		throw new StepFailedError(`container ${container} has no address on ${network}: it is not running`, stepId, `See why it stopped: docker logs ${container}`);
	}

	return address;
}
