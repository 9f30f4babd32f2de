import {ApiError} from './store.js';
import type {KubeObject} from './selectors.js';
import type {ResourceType} from './resources.js';

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

type Cause = {reason: string; message: string; field: string};

function invalid(resource: ResourceType, name: string, causes: Cause[]): ApiError {
	const text = causes.map(cause => `${cause.field}: ${cause.message}`);
	const summary = text.length === 1 ? text[0] : `[${text.join(', ')}]`;
	const group = resource.group === '' ? '' : resource.group;
	return new ApiError(422, 'Invalid', `${resource.kind} "${name}" is invalid: ${summary}`, {name, group, kind: resource.kind, causes});
}

const required = (field: string): Cause => ({reason: 'FieldValueRequired', message: 'Required value', field});

/**
 * What the API server does to an object before storing it: defaulting and the validation rules
 * the recipes can trip over (names, Secret types and data, immutable Secret type).
 */
export function admit(resource: ResourceType, incoming: KubeObject, existing: KubeObject | undefined, serviceIp: () => string): KubeObject {
	const object = structuredClone(incoming);
	object.apiVersion = resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
	object.kind = resource.kind;
	const name = object.metadata?.name ?? '';
	const namePattern = resource.kind === 'Namespace' || resource.kind === 'Service' ? dns1123Label : dns1123Subdomain;
	if (!name) {
		throw invalid(resource, name, [required('metadata.name')]);
	}
	if (!namePattern.test(name) || name.length > 253) {
		throw invalid(resource, name, [{reason: 'FieldValueInvalid', message: `Invalid value: "${name}": a lowercase RFC 1123 ${namePattern === dns1123Label ? 'label' : 'subdomain'} must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`, field: 'metadata.name'}]);
	}
	if (existing) {
		const hasStatus = resource.subresources?.includes('status');
		if (hasStatus && existing.status !== undefined) {
			object.status = existing.status;
		}
		object.metadata.generation = existing.metadata.generation;
		if (existing.metadata.generation !== undefined && JSON.stringify(specOf(object)) !== JSON.stringify(specOf(existing))) {
			object.metadata.generation = existing.metadata.generation + 1;
		}
	} else if ('spec' in object || resource.subresources?.includes('status')) {
		object.metadata.generation = 1;
	}
	switch (resource.kind) {
		case 'Secret':
			admitSecret(resource, object, existing);
			break;
		case 'ConfigMap':
			break;
		case 'Service':
			defaultService(object, existing, serviceIp);
			break;
		case 'Namespace':
			object.metadata.labels = {...object.metadata.labels, 'kubernetes.io/metadata.name': name};
			object.spec = {finalizers: ['kubernetes'], ...(object.spec as object | undefined)};
			object.status = {phase: 'Active'};
			break;
		case 'Deployment':
		case 'StatefulSet':
		case 'DaemonSet':
		case 'ReplicaSet':
			defaultWorkload(resource, object);
			break;
	}
	return object;
}

function specOf(object: KubeObject): unknown {
	const {metadata: _metadata, status: _status, ...rest} = object;
	return rest;
}

function admitSecret(resource: ResourceType, secret: KubeObject, existing: KubeObject | undefined): void {
	const name = secret.metadata.name;
	const data: Record<string, string> = {...(secret.data as Record<string, string> | undefined)};
	for (const [key, value] of Object.entries((secret.stringData as Record<string, string> | undefined) ?? {})) {
		data[key] = Buffer.from(value, 'utf8').toString('base64');
	}
	delete secret.stringData;
	const causes: Cause[] = [];
	for (const [key, value] of Object.entries(data)) {
		if (!/^[-._a-zA-Z0-9]+$/.test(key)) {
			causes.push({reason: 'FieldValueInvalid', message: `Invalid value: "${key}": a valid config key must consist of alphanumeric characters, '-', '_' or '.'`, field: `data[${key}]`});
		}
		if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) {
			throw new ApiError(400, 'BadRequest', `Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0`);
		}
	}
	secret.data = data;
	secret.type ??= 'Opaque';
	if (secret.type === 'kubernetes.io/tls') {
		for (const key of ['tls.crt', 'tls.key']) {
			if (!(key in data)) causes.push(required(`data[${key}]`));
		}
	}
	if (secret.type === 'kubernetes.io/dockerconfigjson' && !('.dockerconfigjson' in data)) {
		causes.push(required('data[.dockerconfigjson]'));
	}
	if (existing && existing.type !== secret.type) {
		causes.push({reason: 'FieldValueInvalid', message: `Invalid value: "${String(secret.type)}": field is immutable`, field: 'type'});
	}
	if (existing?.immutable === true && JSON.stringify(existing.data) !== JSON.stringify(secret.data)) {
		causes.push({reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set', field: 'data'});
	}
	if (causes.length > 0) {
		throw invalid(resource, name, causes);
	}
}

type ServicePort = {port: number; targetPort?: number | string; protocol?: string; name?: string};

function defaultService(service: KubeObject, existing: KubeObject | undefined, serviceIp: () => string): void {
	const spec = (service.spec ?? {}) as {type?: string; clusterIP?: string; clusterIPs?: string[]; ports?: ServicePort[]; sessionAffinity?: string};
	const previous = existing?.spec as {clusterIP?: string} | undefined;
	spec.type ??= 'ClusterIP';
	spec.sessionAffinity ??= 'None';
	if (spec.type !== 'ExternalName' && spec.clusterIP !== 'None') {
		spec.clusterIP = previous?.clusterIP ?? spec.clusterIP ?? serviceIp();
		spec.clusterIPs = [spec.clusterIP];
	}
	for (const port of spec.ports ?? []) {
		port.protocol ??= 'TCP';
		port.targetPort ??= port.port;
	}
	service.spec = spec;
	service.status ??= {loadBalancer: {}};
}

function defaultWorkload(resource: ResourceType, workload: KubeObject): void {
	const spec = (workload.spec ?? {}) as Record<string, unknown>;
	if (resource.kind !== 'DaemonSet') {
		spec.replicas ??= 1;
	}
	if (resource.kind === 'Deployment') {
		spec.strategy ??= {type: 'RollingUpdate', rollingUpdate: {maxUnavailable: '25%', maxSurge: '25%'}};
		spec.revisionHistoryLimit ??= 10;
		spec.progressDeadlineSeconds ??= 600;
	}
	if (resource.kind === 'StatefulSet') {
		spec.updateStrategy ??= {type: 'RollingUpdate', rollingUpdate: {partition: 0}};
		spec.podManagementPolicy ??= 'OrderedReady';
	}
	if (resource.kind === 'DaemonSet') {
		spec.updateStrategy ??= {type: 'RollingUpdate', rollingUpdate: {maxUnavailable: 1, maxSurge: 0}};
	}
	workload.spec = spec;
	workload.status ??= {};
}
