import {createServer, type Server} from 'node:https';
import type {IncomingMessage, ServerResponse} from 'node:http';
import {admit} from './admission.js';
import {discoveryDocument, openApiV2Protobuf, openApiV3Root} from './discovery.js';
import {applyPatch, type JsonObject} from './patch.js';
import {bucketOf, findResource, qualifiedName, type ResourceType} from './resources.js';
import {decodeKubernetesProtobuf} from './protobuf.js';
import {parseFieldSelector, parseLabelSelector, type KubeObject} from './selectors.js';
import {ApiError, notFound, type Store} from './store.js';
import {toTable} from './tables.js';
import {serveWatch} from './watch.js';

export type LogRequest = {namespace: string; pod: KubeObject; query: URLSearchParams; request: IncomingMessage; response: ServerResponse};

export type ApiServerOptions = {
	store: Store;
	certPem: string;
	keyPem: string;
	serveLogs: (request: LogRequest) => void;
	serviceIp: () => string;
};

type Route = {resource: ResourceType; namespace?: string; name?: string; subresource?: string};

/** The HTTPS front of the emulator: Kubernetes REST paths over the store. */
export function createApiServer(options: ApiServerOptions): Server {
	const server = createServer({cert: options.certPem, key: options.keyPem}, (request, response) => {
		handle(options, request, response).catch((error: unknown) => {
			const apiError = error instanceof ApiError ? error : new ApiError(500, 'InternalError', error instanceof Error ? error.message : String(error));
			if (!response.headersSent) {
				sendStatus(response, apiError);
			} else {
				response.end();
			}
		});
	});
	return server;
}

async function handle(options: ApiServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
	const url = new URL(request.url ?? '/', 'https://127.0.0.1');
	const path = url.pathname.replace(/\/+$/, '') || '/';
	if (path === '/version') {
		return sendJson(response, 200, {major: '1', minor: '32', gitVersion: 'v1.32.0-kube-emulator', gitCommit: '', gitTreeState: 'clean', buildDate: '2026-01-01T00:00:00Z', goVersion: 'go1.23', compiler: 'gc', platform: 'linux/amd64'});
	}
	if (['/healthz', '/livez', '/readyz'].includes(path)) {
		response.writeHead(200, {'Content-Type': 'text/plain'}).end('ok');
		return;
	}
	if (path === '/openapi/v2') {
		response.writeHead(200, {'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf'}).end(openApiV2Protobuf);
		return;
	}
	if (path === '/openapi/v3') {
		return sendJson(response, 200, openApiV3Root);
	}
	const discovery = discoveryDocument(path);
	if (discovery) {
		return sendJson(response, 200, discovery);
	}
	const route = parseRoute(path);
	if (!route) {
		throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
	}
	await serveResource(options, route, url.searchParams, request, response);
}

function parseRoute(path: string): Route | undefined {
	const match = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/(.+)$/.exec(path);
	if (!match) return undefined;
	const [, coreVersion, group = '', groupVersion, rest = ''] = match;
	const version = coreVersion ?? groupVersion ?? '';
	let segments = rest.split('/').map(decodeURIComponent);
	let namespace: string | undefined;
	if (segments[0] === 'namespaces' && segments.length >= 3 && !['status', 'finalize'].includes(segments[2] ?? '')) {
		namespace = segments[1];
		segments = segments.slice(2);
	}
	const [plural = '', name, subresource] = segments;
	const resource = findResource(group, version, plural);
	if (!resource || segments.length > 3) return undefined;
	if (namespace !== undefined && !resource.namespaced) return undefined;
	return {resource, namespace, name, subresource};
}

async function serveResource(options: ApiServerOptions, route: Route, query: URLSearchParams, request: IncomingMessage, response: ServerResponse): Promise<void> {
	const {store} = options;
	const {resource, namespace, name, subresource} = route;
	const bucket = bucketOf(resource);
	const resourceName = qualifiedName(resource);
	const method = request.method ?? 'GET';
	const wantsTable = (request.headers.accept ?? '').includes('as=Table');
	const dryRun = query.has('dryRun');

	if (name === undefined) {
		if (method === 'GET' && (query.get('watch') === 'true' || query.get('watch') === '1')) {
			return serveWatch(store, bucket, namespace, query, request, response);
		}
		if (method === 'GET') {
			const items = select(store.list(bucket, namespace), query);
			const revision = String(store.currentRevision);
			if (wantsTable) return sendJson(response, 200, toTable(resource.kind, items, revision));
			return sendJson(response, 200, {kind: `${resource.kind}List`, apiVersion: apiVersion(resource), metadata: {resourceVersion: revision}, items});
		}
		if (method === 'POST') {
			const body = await readObject(request);
			const objectNamespace = resource.namespaced ? (namespace ?? body.metadata?.namespace ?? 'default') : undefined;
			if (namespace !== undefined && body.metadata?.namespace !== undefined && body.metadata.namespace !== namespace) {
				throw new ApiError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
			}
			body.metadata ??= {name: ''};
			if (!body.metadata.name && body.metadata.generateName) {
				body.metadata.name = `${body.metadata.generateName}${randomSuffix()}`;
			}
			if (objectNamespace !== undefined) {
				requireNamespace(store, objectNamespace);
				body.metadata.namespace = objectNamespace;
			}
			const admitted = admit(resource, body, undefined, options.serviceIp);
			if (dryRun) return sendJson(response, 201, admitted);
			return sendJson(response, 201, store.create(bucket, admitted, resourceName));
		}
		if (method === 'DELETE') {
			const deleted = select(store.list(bucket, namespace), query).map(object => store.delete(bucket, object.metadata.namespace, object.metadata.name, resourceName));
			return sendJson(response, 200, {kind: `${resource.kind}List`, apiVersion: apiVersion(resource), metadata: {resourceVersion: String(store.currentRevision)}, items: deleted});
		}
		throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
	}

	if (method === 'GET' && (query.get('watch') === 'true' || query.get('watch') === '1')) {
		query.set('fieldSelector', `metadata.name=${name}`);
		return serveWatch(store, bucket, namespace, query, request, response);
	}
	const existing = store.get(bucket, namespace, name);
	if (subresource === 'log') {
		if (resource.kind !== 'Pod' || method !== 'GET') throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
		if (!existing) throw notFound(resourceName, name);
		options.serveLogs({namespace: namespace ?? 'default', pod: existing, query, request, response});
		return;
	}
	if (subresource !== undefined && subresource !== 'status') {
		throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
	}
	if (method === 'GET') {
		if (!existing) throw notFound(resourceName, name);
		if (wantsTable) return sendJson(response, 200, toTable(resource.kind, [existing], existing.metadata.resourceVersion ?? ''));
		return sendJson(response, 200, existing);
	}
	if (method === 'DELETE') {
		if (!existing) throw notFound(resourceName, name);
		if (dryRun) return sendJson(response, 200, existing);
		return sendJson(response, 200, store.delete(bucket, namespace, name, resourceName));
	}
	if (method === 'PUT' || method === 'PATCH') {
		if (!existing) throw notFound(resourceName, name);
		let incoming: KubeObject;
		if (method === 'PUT') {
			incoming = await readObject(request);
		} else {
			const patch = JSON.parse((await readBody(request)).toString('utf8') || 'null') as JsonObject;
			incoming = applyPatch(request.headers['content-type'] ?? '', existing as unknown as JsonObject, patch) as unknown as KubeObject;
		}
		if (incoming.metadata?.name !== undefined && incoming.metadata.name !== name) {
			throw new ApiError(400, 'BadRequest', `the name of the object (${incoming.metadata.name}) does not match the name on the URL (${name})`);
		}
		incoming.metadata = {...incoming.metadata, name, namespace};
		if (method === 'PATCH') {
			incoming.metadata.resourceVersion = existing.metadata.resourceVersion;
		}
		const next = subresource === 'status' ? {...existing, status: incoming.status} : admit(resource, incoming, existing, options.serviceIp);
		if (dryRun) return sendJson(response, 200, next);
		return sendJson(response, 200, store.update(bucket, next, resourceName));
	}
	throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

function select(objects: KubeObject[], query: URLSearchParams): KubeObject[] {
	const labels = parseLabelSelector(query.get('labelSelector'));
	const fields = parseFieldSelector(query.get('fieldSelector'));
	return objects.filter(object => labels(object.metadata.labels ?? {}) && fields(object));
}

function requireNamespace(store: Store, namespace: string): void {
	if (!store.get('/namespaces', undefined, namespace)) {
		throw new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, {name: namespace, kind: 'namespaces'});
	}
}

function apiVersion(resource: ResourceType): string {
	return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
}

export function randomSuffix(length = 5): string {
	const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
	return Array.from({length}, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

async function readObject(request: IncomingMessage): Promise<KubeObject> {
	const type = request.headers['content-type'] ?? 'application/json';
	if (type.startsWith('application/vnd.kubernetes.protobuf')) {
		return decodeKubernetesProtobuf(await readBody(request));
	}
	if (!type.startsWith('application/json')) {
		throw new ApiError(415, 'UnsupportedMediaType', `the emulator only accepts application/json bodies, got ${type}`);
	}
	try {
		return JSON.parse((await readBody(request)).toString('utf8')) as KubeObject;
	} catch (error) {
		throw new ApiError(400, 'BadRequest', `could not parse the request body: ${(error as Error).message}`);
	}
}

export function sendJson(response: ServerResponse, code: number, body: unknown): void {
	response.writeHead(code, {'Content-Type': 'application/json'}).end(JSON.stringify(body));
}

function sendStatus(response: ServerResponse, error: ApiError): void {
	sendJson(response, error.code, {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: error.message, reason: error.reason, details: error.details, code: error.code});
}
