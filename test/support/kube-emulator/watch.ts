import type {IncomingMessage, ServerResponse} from 'node:http';
import {parseFieldSelector, parseLabelSelector, type KubeObject} from './selectors.js';
import type {Change, Store} from './store.js';

/**
 * A watch stream: newline-delimited JSON events over a chunked response. With no resourceVersion
 * (or "0", or sendInitialEvents) it starts with the current objects as ADDED, like a real server;
 * otherwise it replays the changes after the given resourceVersion, then follows live changes.
 */
export function serveWatch(store: Store, bucket: string, namespace: string | undefined, query: URLSearchParams, request: IncomingMessage, response: ServerResponse): void {
	const labels = parseLabelSelector(query.get('labelSelector'));
	const fields = parseFieldSelector(query.get('fieldSelector'));
	const matches = (object: KubeObject) =>
		(namespace === undefined || object.metadata.namespace === namespace) && labels(object.metadata.labels ?? {}) && fields(object);
	response.writeHead(200, {'Content-Type': 'application/json', 'Cache-Control': 'no-cache'});
	response.flushHeaders();
	const send = (type: string, object: unknown) => response.write(`${JSON.stringify({type, object})}\n`);

	const resourceVersion = query.get('resourceVersion') ?? '';
	const initialEvents = query.get('sendInitialEvents') === 'true';
	if (initialEvents || resourceVersion === '' || resourceVersion === '0') {
		for (const object of store.list(bucket, namespace).filter(matches)) send('ADDED', object);
		if (initialEvents) {
			send('BOOKMARK', {kind: 'Status', metadata: {resourceVersion: String(store.currentRevision), annotations: {'k8s.io/initial-events-end': 'true'}}});
		}
	} else {
		for (const change of store.changesSince(bucket, Number(resourceVersion))) {
			if (matches(change.object)) send(change.type, change.object);
		}
	}

	const onChange = (change: Change) => {
		if (change.bucket === bucket && matches(change.object)) send(change.type, change.object);
	};
	store.on('change', onChange);
	const timeoutSeconds = Number(query.get('timeoutSeconds') ?? 0);
	const timer = timeoutSeconds > 0 ? setTimeout(() => response.end(), timeoutSeconds * 1000) : undefined;
	const finish = () => {
		store.off('change', onChange);
		if (timer) clearTimeout(timer);
	};
	request.on('close', finish);
	response.on('close', finish);
}
