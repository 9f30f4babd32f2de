/** The resource types the emulator serves: what discovery advertises and what the router accepts. */
export type ResourceType = {
	group: string;
	version: string;
	kind: string;
	plural: string;
	singular: string;
	namespaced: boolean;
	shortNames?: string[];
	subresources?: string[];
};

function type(group: string, version: string, kind: string, plural: string, namespaced: boolean, extra: Partial<ResourceType> = {}): ResourceType {
	return {group, version, kind, plural, singular: kind.toLowerCase(), namespaced, ...extra};
}

export const resourceTypes: ResourceType[] = [
	type('', 'v1', 'Namespace', 'namespaces', false, {shortNames: ['ns'], subresources: ['status']}),
	type('', 'v1', 'Node', 'nodes', false, {shortNames: ['no'], subresources: ['status']}),
	type('', 'v1', 'Pod', 'pods', true, {shortNames: ['po'], subresources: ['status', 'log']}),
	type('', 'v1', 'Secret', 'secrets', true),
	type('', 'v1', 'ConfigMap', 'configmaps', true, {shortNames: ['cm']}),
	type('', 'v1', 'Service', 'services', true, {shortNames: ['svc'], subresources: ['status']}),
	type('', 'v1', 'ServiceAccount', 'serviceaccounts', true, {shortNames: ['sa']}),
	type('', 'v1', 'Event', 'events', true, {shortNames: ['ev']}),
	type('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, {shortNames: ['pvc'], subresources: ['status']}),
	type('', 'v1', 'Endpoints', 'endpoints', true, {shortNames: ['ep']}),
	type('apps', 'v1', 'Deployment', 'deployments', true, {shortNames: ['deploy'], subresources: ['status', 'scale']}),
	type('apps', 'v1', 'StatefulSet', 'statefulsets', true, {shortNames: ['sts'], subresources: ['status', 'scale']}),
	type('apps', 'v1', 'DaemonSet', 'daemonsets', true, {shortNames: ['ds'], subresources: ['status']}),
	type('apps', 'v1', 'ReplicaSet', 'replicasets', true, {shortNames: ['rs'], subresources: ['status', 'scale']}),
	type('apps', 'v1', 'ControllerRevision', 'controllerrevisions', true),
	type('batch', 'v1', 'Job', 'jobs', true, {subresources: ['status']}),
	type('batch', 'v1', 'CronJob', 'cronjobs', true, {shortNames: ['cj'], subresources: ['status']}),
	type('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true),
	type('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true),
	type('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
	type('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
	type('networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, {shortNames: ['ing'], subresources: ['status']}),
	type('networking.k8s.io', 'v1', 'IngressClass', 'ingressclasses', false),
	type('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true, {shortNames: ['netpol']}),
	type('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, {shortNames: ['hpa'], subresources: ['status']}),
	type('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, {shortNames: ['pdb'], subresources: ['status']}),
];

export function apiVersionOf(resource: ResourceType): string {
	return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
}

export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
	return resourceTypes.find(r => r.group === group && r.version === version && r.plural === plural);
}

export function findKind(apiVersion: string, kind: string): ResourceType | undefined {
	return resourceTypes.find(r => apiVersionOf(r) === apiVersion && r.kind === kind);
}

/** Storage key: one bucket per group+plural, so autoscaling/v1 and v2 share objects like a real server. */
export function bucketOf(resource: ResourceType): string {
	return `${resource.group}/${resource.plural}`;
}

/** How a real API server names a resource in messages: `secrets`, `deployments.apps`. */
export function qualifiedName(resource: ResourceType): string {
	return resource.group === '' ? resource.plural : `${resource.plural}.${resource.group}`;
}
