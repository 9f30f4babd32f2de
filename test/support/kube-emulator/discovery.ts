import {resourceTypes, type ResourceType} from './resources.js';

/**
 * Legacy (non-aggregated) discovery documents. kubectl 1.32 asks for the aggregated form first but
 * falls back to these when the reply's Content-Type is plain application/json.
 */
export function discoveryDocument(path: string): unknown {
	if (path === '/api') {
		return {kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1'}]};
	}
	if (path === '/apis') {
		return {kind: 'APIGroupList', apiVersion: 'v1', groups: groups().map(groupDocument)};
	}
	if (path === '/api/v1') {
		return resourceList('', 'v1');
	}
	const match = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
	if (!match) {
		return undefined;
	}
	const [, group, version] = match;
	const known = groups().find(g => g.name === group);
	if (!known) {
		return undefined;
	}
	if (version === undefined) {
		return {kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(known)};
	}
	return known.versions.includes(version) ? resourceList(known.name, version) : undefined;
}

type Group = {name: string; versions: string[]};

function groups(): Group[] {
	const byName = new Map<string, Group>();
	for (const resource of resourceTypes) {
		if (resource.group === '') {
			continue;
		}
		const group = byName.get(resource.group) ?? {name: resource.group, versions: []};
		if (!group.versions.includes(resource.version)) {
			group.versions.push(resource.version);
		}
		byName.set(resource.group, group);
	}
	return [...byName.values()];
}

function groupDocument(group: Group) {
	const versions = group.versions.map(version => ({groupVersion: `${group.name}/${version}`, version}));
	return {name: group.name, versions, preferredVersion: versions[0]};
}

function resourceList(group: string, version: string) {
	const resources = resourceTypes.filter(r => r.group === group && r.version === version);
	return {
		kind: 'APIResourceList',
		apiVersion: 'v1',
		groupVersion: group === '' ? version : `${group}/${version}`,
		resources: resources.flatMap(r => [resourceEntry(r), ...(r.subresources ?? []).map(sub => subresourceEntry(r, sub))]),
	};
}

const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

const inAll = new Set(['Pod', 'Service', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'HorizontalPodAutoscaler']);

function resourceEntry(resource: ResourceType) {
	return {
		name: resource.plural,
		singularName: resource.singular,
		namespaced: resource.namespaced,
		kind: resource.kind,
		verbs,
		...(resource.shortNames ? {shortNames: resource.shortNames} : {}),
		...(inAll.has(resource.kind) ? {categories: ['all']} : {}),
	};
}

function subresourceEntry(resource: ResourceType, sub: string) {
	const kind = sub === 'scale' ? 'Scale' : resource.kind;
	return {name: `${resource.plural}/${sub}`, singularName: '', namespaced: resource.namespaced, kind, verbs: sub === 'log' ? ['get'] : ['get', 'patch', 'update']};
}

/**
 * OpenAPI v2 as kubectl and helm request it (protobuf). A document with no definitions is valid and
 * makes client-side schema validation skip every kind, which is what the emulator wants: it is not a
 * schema validator. Bytes: field 1 (swagger) = "2.0".
 */
export const openApiV2Protobuf = Buffer.from([0x0a, 0x03, 0x32, 0x2e, 0x30]);

/** OpenAPI v3 root with no group-versions: kubectl then falls back to struct-based patch metadata. */
export const openApiV3Root = {paths: {}};
