import {createHash} from 'node:crypto';
import type {KubeObject} from './selectors.js';
import {now, type Store} from './store.js';

export type EventSource = {component: string; host?: string};

/**
 * Records a core/v1 Event about an object. Repeats of the same reason and message bump count and
 * lastTimestamp, the way the kubelet's event aggregation does, instead of piling up duplicates.
 */
export function recordEvent(store: Store, involved: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, source: EventSource): void {
	const namespace = involved.metadata.namespace ?? 'default';
	if (!store.get('/namespaces', undefined, namespace)) return;
	const digest = createHash('sha256').update(`${involved.metadata.uid ?? ''}/${reason}/${message}`).digest('hex').slice(0, 16);
	const name = `${involved.metadata.name}.${digest}`;
	const existing = store.get('/events', namespace, name);
	const timestamp = now();
	if (existing) {
		existing.count = Number(existing.count ?? 1) + 1;
		existing.lastTimestamp = timestamp;
		store.update('/events', existing, 'events');
		return;
	}
	store.create('/events', {
		apiVersion: 'v1',
		kind: 'Event',
		metadata: {name, namespace},
		involvedObject: {kind: involved.kind, namespace, name: involved.metadata.name, uid: involved.metadata.uid, apiVersion: involved.apiVersion},
		reason,
		message,
		type,
		source: source.host ? {component: source.component, host: source.host} : {component: source.component},
		firstTimestamp: timestamp,
		lastTimestamp: timestamp,
		count: 1,
		reportingComponent: source.component,
		reportingInstance: source.host ?? '',
	}, 'events');
}
