import type {KubeObject} from './selectors.js';

type Column = {name: string; cell: (object: KubeObject) => string | number};

/**
 * Server-side printing (`Accept: ...;as=Table`), which `kubectl get` asks for: a few of the columns a
 * real server prints for the kinds tests look at, NAME and AGE for the rest.
 */
export function toTable(kind: string, objects: KubeObject[], resourceVersion: string): unknown {
	const columns = columnsFor(kind);
	return {
		kind: 'Table',
		apiVersion: 'meta.k8s.io/v1',
		metadata: {resourceVersion},
		columnDefinitions: columns.map(column => ({name: column.name, type: 'string', format: column.name === 'Name' ? 'name' : '', description: '', priority: 0})),
		rows: objects.map(object => ({
			cells: columns.map(column => column.cell(object)),
			object: {kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata},
		})),
	};
}

const get = (object: unknown, path: string): unknown =>
	path.split('.').reduce<unknown>((current, key) => (current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined), object);
const num = (object: KubeObject, path: string) => Number(get(object, path) ?? 0);
const name: Column = {name: 'Name', cell: object => object.metadata.name};
const age: Column = {name: 'Age', cell: object => since(object.metadata.creationTimestamp)};

function columnsFor(kind: string): Column[] {
	switch (kind) {
		case 'Pod':
			return [
				name,
				{name: 'Ready', cell: object => `${containerStatuses(object).filter(status => status.ready).length}/${(get(object, 'spec.containers') as unknown[] | undefined)?.length ?? 0}`},
				{name: 'Status', cell: podStatus},
				{name: 'Restarts', cell: object => containerStatuses(object).reduce((sum, status) => sum + (status.restartCount ?? 0), 0)},
				age,
			];
		case 'Deployment':
			return [name, {name: 'Ready', cell: object => `${num(object, 'status.readyReplicas')}/${num(object, 'spec.replicas')}`}, {name: 'Up-to-date', cell: object => num(object, 'status.updatedReplicas')}, {name: 'Available', cell: object => num(object, 'status.availableReplicas')}, age];
		case 'StatefulSet':
			return [name, {name: 'Ready', cell: object => `${num(object, 'status.readyReplicas')}/${num(object, 'spec.replicas')}`}, age];
		case 'DaemonSet':
			return [name, {name: 'Desired', cell: object => num(object, 'status.desiredNumberScheduled')}, {name: 'Ready', cell: object => num(object, 'status.numberReady')}, age];
		case 'Secret':
			return [name, {name: 'Type', cell: object => String(object.type ?? '')}, {name: 'Data', cell: object => Object.keys((object.data as object | undefined) ?? {}).length}, age];
		case 'Namespace':
			return [name, {name: 'Status', cell: object => String(get(object, 'status.phase') ?? '')}, age];
		case 'Service':
			return [name, {name: 'Type', cell: object => String(get(object, 'spec.type') ?? '')}, {name: 'Cluster-IP', cell: object => String(get(object, 'spec.clusterIP') ?? '')}, age];
		case 'Event':
			return [
				{name: 'Last Seen', cell: object => since(String(object.lastTimestamp ?? object.metadata.creationTimestamp))},
				{name: 'Type', cell: object => String(object.type ?? '')},
				{name: 'Reason', cell: object => String(object.reason ?? '')},
				{name: 'Object', cell: object => `${String(get(object, 'involvedObject.kind') ?? '').toLowerCase()}/${String(get(object, 'involvedObject.name') ?? '')}`},
				{name: 'Message', cell: object => String(object.message ?? '')},
			];
		default:
			return [name, age];
	}
}

type ContainerStatus = {ready?: boolean; restartCount?: number; state?: {waiting?: {reason?: string}; terminated?: {reason?: string}}};

function containerStatuses(pod: KubeObject): ContainerStatus[] {
	return (get(pod, 'status.containerStatuses') as ContainerStatus[] | undefined) ?? [];
}

function podStatus(pod: KubeObject): string {
	for (const status of containerStatuses(pod)) {
		const reason = status.state?.waiting?.reason ?? status.state?.terminated?.reason;
		if (reason) return reason;
	}
	return String(get(pod, 'status.phase') ?? 'Pending');
}

function since(timestamp: string | undefined): string {
	if (!timestamp) return '<unknown>';
	const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(timestamp)) / 1000));
	return seconds < 120 ? `${seconds}s` : `${Math.floor(seconds / 60)}m`;
}
