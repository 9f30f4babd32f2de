import {createHash} from 'node:crypto';
import {recordEvent} from './events.js';
import {matchesLabelSelector, type KubeObject, type OwnerReference} from './selectors.js';
import type {Change, Store} from './store.js';
import {randomSuffix} from './server.js';

type Template = {metadata?: {labels?: Record<string, string>; annotations?: Record<string, string>}; spec: unknown};
type WorkloadSpec = {replicas?: number; selector?: {matchLabels?: Record<string, string>}; template: Template};
type PodCount = {replicas: number; ready: number; updated: number};

const watched = new Set(['apps/deployments', 'apps/replicasets', 'apps/statefulsets', 'apps/daemonsets', '/pods']);

/**
 * Deployment → ReplicaSet → Pod, StatefulSet → Pod and DaemonSet → Pod controllers, plus the
 * status fields `kubectl rollout status` and `helm --wait` read. They run after every change to a
 * workload or pod (batched), never on a timer.
 */
export function startControllers(store: Store): () => void {
	let scheduled = false;
	let stopped = false;
	const reconcileAll = () => {
		scheduled = false;
		if (stopped) return;
		for (const deployment of store.list('apps/deployments')) reconcileDeployment(store, deployment);
		for (const replicaSet of store.list('apps/replicasets')) reconcileReplicaSet(store, replicaSet);
		for (const statefulSet of store.list('apps/statefulsets')) reconcileStatefulSet(store, statefulSet);
		for (const daemonSet of store.list('apps/daemonsets')) reconcileDaemonSet(store, daemonSet);
	};
	const onChange = (change: Change) => {
		if (!watched.has(change.bucket) || scheduled) return;
		scheduled = true;
		setImmediate(reconcileAll);
	};
	store.on('change', onChange);
	return () => {
		stopped = true;
		store.off('change', onChange);
	};
}

function templateHash(template: Template): string {
	return createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 10);
}

function ownerRef(owner: KubeObject): OwnerReference {
	return {apiVersion: owner.apiVersion ?? '', kind: owner.kind ?? '', name: owner.metadata.name, uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true};
}

function owned(store: Store, bucket: string, owner: KubeObject): KubeObject[] {
	return store.list(bucket, owner.metadata.namespace).filter(object => object.metadata.ownerReferences?.some(ref => ref.controller && ref.uid === owner.metadata.uid));
}

function isReady(pod: KubeObject): boolean {
	const conditions = (pod.status as {conditions?: Array<{type: string; status: string}>} | undefined)?.conditions ?? [];
	return conditions.some(condition => condition.type === 'Ready' && condition.status === 'True');
}

function setStatus(store: Store, bucket: string, object: KubeObject, status: Record<string, unknown>): void {
	const current = store.get(bucket, object.metadata.namespace, object.metadata.name);
	if (!current) return;
	current.status = {...(current.status as object | undefined), ...status};
	store.update(bucket, current, bucket);
}

function createPod(store: Store, owner: KubeObject, name: string, template: Template, extraLabels: Record<string, string>): void {
	const pod: KubeObject = {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: {
			name,
			namespace: owner.metadata.namespace,
			labels: {...template.metadata?.labels, ...extraLabels},
			...(template.metadata?.annotations ? {annotations: template.metadata.annotations} : {}),
			ownerReferences: [ownerRef(owner)],
		},
		spec: {restartPolicy: 'Always', ...(template.spec as object), nodeName: 'emulator-node'},
		status: {phase: 'Pending'},
	};
	const created = store.create('/pods', pod, 'pods');
	recordEvent(store, owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`, {component: `${(owner.kind ?? '').toLowerCase()}-controller`});
}

function conditionsFor(available: boolean, complete: boolean, replicaSetName: string): unknown[] {
	const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
	return [
		{type: 'Available', status: available ? 'True' : 'False', reason: available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', message: available ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.', lastUpdateTime: at, lastTransitionTime: at},
		{type: 'Progressing', status: 'True', reason: complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated', message: complete ? `ReplicaSet "${replicaSetName}" has successfully progressed.` : `ReplicaSet "${replicaSetName}" is progressing.`, lastUpdateTime: at, lastTransitionTime: at},
	];
}

function reconcileDeployment(store: Store, deployment: KubeObject): void {
	const spec = deployment.spec as WorkloadSpec;
	const replicas = spec.replicas ?? 1;
	const hash = templateHash(spec.template);
	const name = `${deployment.metadata.name}-${hash}`;
	const replicaSets = owned(store, 'apps/replicasets', deployment);
	let current = replicaSets.find(rs => rs.metadata.name === name);
	if (!current) {
		const revision = replicaSets.length + 1;
		const labels = {...spec.template.metadata?.labels, 'pod-template-hash': hash};
		current = store.create('apps/replicasets', {
			apiVersion: 'apps/v1',
			kind: 'ReplicaSet',
			metadata: {name, namespace: deployment.metadata.namespace, labels, annotations: {'deployment.kubernetes.io/revision': String(revision)}, ownerReferences: [ownerRef(deployment)], generation: 1},
			spec: {replicas, selector: {matchLabels: {...spec.selector?.matchLabels, 'pod-template-hash': hash}}, template: {...spec.template, metadata: {...spec.template.metadata, labels}}},
			status: {replicas: 0},
		}, 'replicasets.apps');
		recordEvent(store, deployment, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} to ${replicas}`, {component: 'deployment-controller'});
	}
	for (const replicaSet of [...replicaSets.filter(rs => rs.metadata.name !== name), current]) {
		const want = replicaSet.metadata.name === name ? replicas : 0;
		const rsSpec = replicaSet.spec as WorkloadSpec;
		if (rsSpec.replicas !== want) {
			const latest = store.get('apps/replicasets', replicaSet.metadata.namespace, replicaSet.metadata.name);
			if (latest) {
				(latest.spec as WorkloadSpec).replicas = want;
				latest.metadata.generation = (latest.metadata.generation ?? 1) + 1;
				store.update('apps/replicasets', latest, 'replicasets.apps');
			}
		}
	}
	const counts = owned(store, 'apps/replicasets', deployment).map(rs => ({name: rs.metadata.name, status: (rs.status ?? {}) as {replicas?: number; readyReplicas?: number; availableReplicas?: number}}));
	const sum = (key: 'replicas' | 'readyReplicas' | 'availableReplicas') => counts.reduce((total, rs) => total + (rs.status[key] ?? 0), 0);
	const updated = counts.find(rs => rs.name === name)?.status.replicas ?? 0;
	const available = sum('availableReplicas');
	const complete = updated === replicas && sum('replicas') === replicas && available === replicas;
	setStatus(store, 'apps/deployments', deployment, {
		observedGeneration: deployment.metadata.generation,
		replicas: sum('replicas'),
		updatedReplicas: updated,
		readyReplicas: sum('readyReplicas'),
		availableReplicas: available,
		unavailableReplicas: Math.max(0, replicas - available),
		conditions: stableConditions(deployment, conditionsFor(available >= replicas, complete, name)),
	});
}

/** Keeps condition timestamps when nothing but the time changed, so a status write is a no-op. */
function stableConditions(object: KubeObject, next: unknown[]): unknown[] {
	const previous = ((object.status as {conditions?: Array<Record<string, unknown>>} | undefined)?.conditions ?? []);
	return next.map(condition => {
		const c = condition as Record<string, unknown>;
		const old = previous.find(p => p.type === c.type);
		return old && old.status === c.status && old.reason === c.reason && old.message === c.message ? old : c;
	});
}

function reconcileReplicaSet(store: Store, replicaSet: KubeObject): void {
	const spec = replicaSet.spec as WorkloadSpec;
	const want = spec.replicas ?? 1;
	const pods = owned(store, '/pods', replicaSet);
	for (let index = pods.length; index < want; index++) {
		createPod(store, replicaSet, `${replicaSet.metadata.name}-${randomSuffix()}`, spec.template, {});
	}
	for (const pod of pods.slice(want)) store.delete('/pods', pod.metadata.namespace, pod.metadata.name, 'pods');
	const counts = countPods(owned(store, '/pods', replicaSet), () => true);
	setStatus(store, 'apps/replicasets', replicaSet, {replicas: counts.replicas, fullyLabeledReplicas: counts.replicas, readyReplicas: counts.ready, availableReplicas: counts.ready, observedGeneration: replicaSet.metadata.generation});
}

function countPods(pods: KubeObject[], isUpdated: (pod: KubeObject) => boolean): PodCount {
	return {replicas: pods.length, ready: pods.filter(isReady).length, updated: pods.filter(isUpdated).length};
}

function reconcileStatefulSet(store: Store, statefulSet: KubeObject): void {
	const spec = statefulSet.spec as WorkloadSpec;
	const replicas = spec.replicas ?? 1;
	const revision = `${statefulSet.metadata.name}-${templateHash(spec.template)}`;
	const isUpdated = (pod: KubeObject) => pod.metadata.labels?.['controller-revision-hash'] === revision;
	const pods = owned(store, '/pods', statefulSet);
	for (const pod of pods) {
		const ordinal = Number(pod.metadata.name.slice(statefulSet.metadata.name.length + 1));
		if (!isUpdated(pod) || ordinal >= replicas) store.delete('/pods', pod.metadata.namespace, pod.metadata.name, 'pods');
	}
	for (let ordinal = 0; ordinal < replicas; ordinal++) {
		const name = `${statefulSet.metadata.name}-${ordinal}`;
		if (!store.get('/pods', statefulSet.metadata.namespace, name)) {
			createPod(store, statefulSet, name, spec.template, {'controller-revision-hash': revision, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(ordinal)});
		}
	}
	const counts = countPods(owned(store, '/pods', statefulSet), isUpdated);
	const previous = (statefulSet.status ?? {}) as {currentRevision?: string};
	setStatus(store, 'apps/statefulsets', statefulSet, {
		observedGeneration: statefulSet.metadata.generation,
		replicas: counts.replicas,
		readyReplicas: counts.ready,
		availableReplicas: counts.ready,
		currentReplicas: counts.updated,
		updatedReplicas: counts.updated,
		currentRevision: counts.updated === replicas ? revision : (previous.currentRevision ?? revision),
		updateRevision: revision,
		collisionCount: 0,
	});
}

function reconcileDaemonSet(store: Store, daemonSet: KubeObject): void {
	const spec = daemonSet.spec as WorkloadSpec;
	const hash = templateHash(spec.template);
	const isUpdated = (pod: KubeObject) => pod.metadata.labels?.['controller-revision-hash'] === hash;
	for (const pod of owned(store, '/pods', daemonSet).filter(pod => !isUpdated(pod))) {
		store.delete('/pods', pod.metadata.namespace, pod.metadata.name, 'pods');
	}
	if (owned(store, '/pods', daemonSet).length === 0 && matchesLabelSelector(spec.selector, spec.template.metadata?.labels ?? {})) {
		createPod(store, daemonSet, `${daemonSet.metadata.name}-${randomSuffix()}`, spec.template, {'controller-revision-hash': hash, 'pod-template-generation': String(daemonSet.metadata.generation ?? 1)});
	}
	const counts = countPods(owned(store, '/pods', daemonSet), isUpdated);
	setStatus(store, 'apps/daemonsets', daemonSet, {
		observedGeneration: daemonSet.metadata.generation,
		desiredNumberScheduled: 1,
		currentNumberScheduled: counts.replicas,
		updatedNumberScheduled: counts.updated,
		numberReady: counts.ready,
		numberAvailable: counts.ready,
		numberUnavailable: 1 - counts.ready,
		numberMisscheduled: 0,
	});
}
