import type {Step} from './types.js';

/**
 * The container whose log a confirmation step follows. `docker logs -f` replays the log from the container's start,
 * so following it early judges exactly the lines a later start would. A probe is not started early: one that finds
 * nothing listening yet waits a second before it tries again, longer than starting it in turn costs.
 */
function followedContainer(step: Step): string | undefined {
	return step.kind === 'wait-for-log' && step.source.kind === 'docker-container' ? step.source.container : undefined;
}

/** Steps that only start containers or watch them: what a confirmation step may overlap. */
const overlappable: ReadonlySet<Step['kind']> = new Set(['docker-run', 'wait-for-log', 'tls-probe']);

/** Steps that touch neither a cluster nor a Docker engine: what may stand between the certificates and a network. */
const local: ReadonlySet<Step['kind']> = new Set(['verify-handshake', 'write-files']);

/**
 * Moves each Docker network the plan creates right after the certificate issue, to start alongside it: creating a
 * network takes no certificate or file, changes nothing a container uses yet, and leaves an existing network as it
 * is, so it need not wait for the keys. Only a network with nothing but local steps (the handshake proof, bundle
 * files) between it and the issue moves; the steps keep their order otherwise.
 */
function startNetworksWithCertificates(steps: readonly Step[]): Step[] {
	const issue = steps.findIndex(step => step.kind === 'issue-certificates');
	if (issue === -1) return [...steps];
	const networks: Step[] = [];
	let next = issue + 1;
	for (; next < steps.length; next++) {
		const step = steps[next]!;
		if (step.kind === 'docker-network') networks.push({...step, alongsidePrevious: true});
		else if (!local.has(step.kind)) break;
	}

	const between = steps.slice(issue + 1, next).filter(step => step.kind !== 'docker-network');
	return [...steps.slice(0, issue + 1), ...networks, ...between, ...steps.slice(next)];
}

/**
 * Marks the steps that may start while the step before them still runs (Step.alongsidePrevious). A Docker network
 * is created while the certificates are issued. A wait for the log of a container an earlier step of the plan
 * started runs alongside the steps before it when every one of them only starts or watches other containers:
 * following the extension's log then overlaps starting the agent, instead of waiting for it. Anything else
 * (certificates, files, secrets, Kubernetes, swarm) keeps running one at a time.
 */
export function markOverlappingSteps(steps: readonly Step[]): Step[] {
	const marked: Step[] = [];
	// The steps already running together when the next one is planned: the last one and those it runs alongside.
	let group: Step[] = [];
	for (const step of startNetworksWithCertificates(steps)) {
		if (step.alongsidePrevious) {
			group = [...group, step];
			marked.push(step);
			continue;
		}

		const container = followedContainer(step);
		const startedEarlier = container !== undefined && marked.some(before => !group.includes(before) && before.kind === 'docker-run' && before.container === container);
		const joins =
			startedEarlier &&
			group.length > 0 &&
			group.every(other => overlappable.has(other.kind) && !(other.kind === 'docker-run' && other.container === container));
		const planned: Step = joins ? {...step, alongsidePrevious: true} : step;
		group = joins ? [...group, planned] : [planned];
		marked.push(planned);
	}

	return marked;
}
