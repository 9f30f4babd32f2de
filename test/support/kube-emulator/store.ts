import {EventEmitter} from 'node:events';
import {randomUUID} from 'node:crypto';
import type {KubeObject} from './selectors.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export type Change = {type: WatchEventType; bucket: string; object: KubeObject; resourceVersion: number};

/** Thrown by store operations; the router turns it into a Kubernetes Status reply. */
export class ApiError extends Error {
	constructor(
		readonly code: number,
		readonly reason: string,
		message: string,
		readonly details: Record<string, unknown> = {},
	) {
		super(message);
	}
}

const clone = <T>(value: T): T => structuredClone(value);

/**
 * In-memory object store with one resourceVersion counter and a change history, so a watch can
 * resume from any resourceVersion it was given. Every change is emitted as 'change' for the
 * controllers, which is what drives reconciliation (no polling).
 */
export class Store extends EventEmitter<{change: [Change]}> {
	private readonly buckets = new Map<string, Map<string, KubeObject>>();
	private readonly history: Change[] = [];
	private revision = 0;

	get currentRevision(): number {
		return this.revision;
	}

	get(bucket: string, namespace: string | undefined, name: string): KubeObject | undefined {
		const found = this.bucket(bucket).get(keyOf(namespace, name));
		return found && clone(found);
	}

	list(bucket: string, namespace?: string): KubeObject[] {
		return [...this.bucket(bucket).values()]
			.filter(object => namespace === undefined || object.metadata.namespace === namespace)
			.sort((a, b) => keyOf(a.metadata.namespace, a.metadata.name).localeCompare(keyOf(b.metadata.namespace, b.metadata.name)))
			.map(clone);
	}

	all(): Array<{bucket: string; object: KubeObject}> {
		return [...this.buckets].flatMap(([bucket, objects]) => [...objects.values()].map(object => ({bucket, object: clone(object)})));
	}

	create(bucket: string, object: KubeObject, resourceName: string): KubeObject {
		const key = keyOf(object.metadata.namespace, object.metadata.name);
		if (this.bucket(bucket).has(key)) {
			throw new ApiError(409, 'AlreadyExists', `${resourceName} "${object.metadata.name}" already exists`, {name: object.metadata.name});
		}
		const stored = clone(object);
		stored.metadata.uid = randomUUID();
		stored.metadata.creationTimestamp = now();
		return this.commit(bucket, 'ADDED', stored);
	}

	/** Replaces an object; an expected resourceVersion that is stale is a 409 Conflict like a real server. */
	update(bucket: string, object: KubeObject, resourceName: string): KubeObject {
		const key = keyOf(object.metadata.namespace, object.metadata.name);
		const existing = this.bucket(bucket).get(key);
		if (!existing) {
			throw notFound(resourceName, object.metadata.name);
		}
		const expected = object.metadata.resourceVersion;
		if (expected && expected !== existing.metadata.resourceVersion) {
			throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${resourceName} "${object.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`, {name: object.metadata.name});
		}
		const stored = clone(object);
		stored.metadata.uid = existing.metadata.uid;
		stored.metadata.creationTimestamp = existing.metadata.creationTimestamp;
		if (JSON.stringify({...stored, metadata: {...stored.metadata, resourceVersion: undefined}}) === JSON.stringify({...existing, metadata: {...existing.metadata, resourceVersion: undefined}})) {
			return clone(existing);
		}
		return this.commit(bucket, 'MODIFIED', stored);
	}

	delete(bucket: string, namespace: string | undefined, name: string, resourceName: string): KubeObject {
		const key = keyOf(namespace, name);
		const existing = this.bucket(bucket).get(key);
		if (!existing) {
			throw notFound(resourceName, name);
		}
		this.bucket(bucket).delete(key);
		return this.record(bucket, 'DELETED', clone(existing));
	}

	/** Changes after a resourceVersion, for resuming watches. */
	changesSince(bucket: string, resourceVersion: number): Change[] {
		return this.history.filter(change => change.bucket === bucket && change.resourceVersion > resourceVersion);
	}

	private commit(bucket: string, type: WatchEventType, object: KubeObject): KubeObject {
		this.revision++;
		object.metadata.resourceVersion = String(this.revision);
		this.bucket(bucket).set(keyOf(object.metadata.namespace, object.metadata.name), object);
		return this.record(bucket, type, clone(object), false);
	}

	private record(bucket: string, type: WatchEventType, object: KubeObject, bump = true): KubeObject {
		if (bump) {
			this.revision++;
			object.metadata.resourceVersion = String(this.revision);
		}
		const change = {type, bucket, object: clone(object), resourceVersion: this.revision};
		this.history.push(change);
		this.emit('change', change);
		return object;
	}

	private bucket(name: string): Map<string, KubeObject> {
		let bucket = this.buckets.get(name);
		if (!bucket) {
			bucket = new Map();
			this.buckets.set(name, bucket);
		}
		return bucket;
	}
}

export function notFound(resourceName: string, name: string): ApiError {
	return new ApiError(404, 'NotFound', `${resourceName} "${name}" not found`, {name});
}

export function now(): string {
	return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

function keyOf(namespace: string | undefined, name: string): string {
	return `${namespace ?? ''}/${name}`;
}
