import {runCommand} from '../exec/run-command.js';
import type {CommandSpec} from '../exec/types.js';
import type {KubeTarget} from '../plan/types.js';

type KubeEvent = {reason?: string; message?: string; type?: string; involvedObject?: {name?: string; kind?: string}};

/** Reasons that explain why a pod never started, most telling first. */
const tellingReasons = ['FailedMount', 'FailedCreatePodContainer', 'FailedScheduling', 'Failed', 'ErrImagePull', 'ImagePullBackOff', 'BackOff'];

/** `pod/agent-0` or `agent-0` names a pod; `deployment/agent` names pods `agent-<hash>-<id>`. */
function podMatcher(resource: string): {fieldSelector?: string; matches(name: string): boolean} {
	const [kind, name] = resource.includes('/') ? (resource.split('/', 2) as [string, string]) : ['pod', resource];
	if (kind === 'pod' || kind === 'pods' || kind === 'po') {
		return {fieldSelector: `involvedObject.name=${name}`, matches: candidate => candidate === name};
	}

	return {matches: candidate => candidate.startsWith(`${name}-`)};
}

export function eventsCommand(target: KubeTarget, resource: string): CommandSpec {
	const matcher = podMatcher(resource);
	return {
		file: 'kubectl',
		args: [
			...(target.context ? ['--context', target.context] : []),
			'-n',
			target.namespace,
			'get',
			'events',
			...(matcher.fieldSelector ? ['--field-selector', matcher.fieldSelector] : []),
			'-o',
			'json',
		],
	};
}

/** Picks the event that best explains a pod that never started, as "FailedMount: <message>". */
export function reasonFromEvents(json: string, resource: string): string | undefined {
	let items: KubeEvent[];
	try {
		items = (JSON.parse(json) as {items?: KubeEvent[]}).items ?? [];
	} catch {
		return undefined;
	}

	const matcher = podMatcher(resource);
	const relevant = items.filter(item => item.type === 'Warning' && matcher.matches(item.involvedObject?.name ?? ''));
	const ranked = relevant.sort((a, b) => rank(a.reason) - rank(b.reason));
	const best = ranked[0];
	return best ? `${best.reason ?? 'Warning'}: ${best.message ?? ''}`.trim() : undefined;
}

function rank(reason: string | undefined): number {
	const index = tellingReasons.indexOf(reason ?? '');
	return index === -1 ? tellingReasons.length : index;
}

/**
 * Asks the cluster why a pod is not running (one `kubectl get events`); a FailedMount event names the
 * secret or key that is missing. Best effort: any trouble asking just means no extra explanation.
 */
export async function pendingPodReason(
	target: KubeTarget,
	resource: string,
	options: {env: NodeJS.ProcessEnv; signal: AbortSignal},
): Promise<string | undefined> {
	try {
		const result = await runCommand(eventsCommand(target, resource), options);
		return result.exitCode === 0 ? reasonFromEvents(result.stdout, resource) : undefined;
	} catch {
		return undefined;
	}
}
