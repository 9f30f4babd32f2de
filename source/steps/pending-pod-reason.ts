import {runCommand} from '../exec/run-command.js';
import type {CommandSpec} from '../exec/types.js';
import type {KubeTarget} from '../plan/types.js';
import {kubectlTarget} from './kube-flags.js';

type KubeEvent = {reason?: string; message?: string; type?: string; involvedObject?: {name?: string; kind?: string}};

/** Reasons that explain why a pod never started, most telling first. */
const tellingReasons = ['FailedMount', 'FailedCreatePodContainer', 'FailedScheduling', 'Failed', 'ErrImagePull', 'ImagePullBackOff', 'BackOff'];

/**
 * `pod/agent-0` or `agent-0` names a pod; `deployment/agent` names pods `agent-<hash>-<id>`, and `release/agent`
 * the pods of a helm release, whose workloads the charts name `<release>-...`.
 */
function podMatcher(resource: string): {fieldSelector?: string; matches(name: string): boolean} {
	const [kind, name] = resource.includes('/') ? (resource.split('/', 2) as [string, string]) : ['pod', resource];
	if (kind === 'pod' || kind === 'pods' || kind === 'po') {
		return {fieldSelector: `involvedObject.name=${name}`, matches: candidate => candidate === name};
	}

	return {matches: candidate => candidate.startsWith(`${name}-`)};
}

function eventsCommand(target: KubeTarget, resource: string): CommandSpec {
	const matcher = podMatcher(resource);
	return {
		file: 'kubectl',
		args: [...kubectlTarget(target), 'get', 'events', ...(matcher.fieldSelector ? ['--field-selector', matcher.fieldSelector] : []), '-o', 'json'],
	};
}

/** The event that best explains a pod that never started. */
function bestEvent(json: string, resource: string): KubeEvent | undefined {
	let items: KubeEvent[];
	try {
		items = (JSON.parse(json) as {items?: KubeEvent[]}).items ?? [];
	} catch {
		return undefined;
	}

	const matcher = podMatcher(resource);
	const relevant = items.filter(item => item.type === 'Warning' && matcher.matches(item.involvedObject?.name ?? ''));
	return relevant.sort((a, b) => rank(a.reason) - rank(b.reason))[0];
}

type PodVolumes = {spec?: {volumes?: Array<{name?: string; secret?: {secretName?: string}}>}};

/**
 * The kubelet's FailedMount message names the volume and the missing key, not the secret: look the volume up in
 * the pod so the explanation names the secret the user has to fix.
 */
function missingKeyExplanation(message: string, podJson: string, namespace: string): string | undefined {
	const match = /for volume "([^"]+)" : references non-existent secret key: (\S+)/.exec(message);
	if (!match) return undefined;
	const [, volumeName, key] = match;
	let pod: PodVolumes;
	try {
		pod = JSON.parse(podJson) as PodVolumes;
	} catch {
		return undefined;
	}

	const secret = pod.spec?.volumes?.find(volume => volume.name === volumeName)?.secret?.secretName;
	if (!secret) return undefined;
	return `secret ${secret} has no key ${key} (volume ${volumeName} asks for it), so the pod stays in ContainerCreating. Put the data under the key ${key}, or make the volume's items name a key the secret has (kubectl -n ${namespace} get secret ${secret} -o jsonpath='{.data}' lists them).`;
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
		if (result.exitCode !== 0) return undefined;
		const best = bestEvent(result.stdout, resource);
		if (!best) return undefined;
		const reason = `${best.reason ?? 'Warning'}: ${best.message ?? ''}`.trim();
		const podName = best.involvedObject?.name;
		if (best.reason !== 'FailedMount' || !podName) return reason;
		const pod = await runCommand(podCommand(target, podName), options);
		const explanation = pod.exitCode === 0 ? missingKeyExplanation(best.message ?? '', pod.stdout, target.namespace) : undefined;
		return explanation ? `${reason}: ${explanation}` : reason;
	} catch {
		return undefined;
	}
}

function podCommand(target: KubeTarget, name: string): CommandSpec {
	return {file: 'kubectl', args: [...kubectlTarget(target), 'get', 'pod', name, '-o', 'json']};
}
