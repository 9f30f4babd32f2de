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

/**
 * Marks the confirmation steps that may start while the step before them still runs (Step.alongsidePrevious): a
 * wait for the log of a container an earlier step of the plan started, when every step it would run alongside only
 * starts or watches other containers. Following the extension's log then overlaps starting the agent, instead
 * of waiting for it. Anything else (certificates, files, secrets, Kubernetes, swarm) keeps running one at a time.
 */
export function markOverlappingSteps(steps: readonly Step[]): Step[] {
	const marked: Step[] = [];
	// The steps already running together when the next one is planned: the last one and those it runs alongside.
	let group: Step[] = [];
	for (const step of steps) {
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
