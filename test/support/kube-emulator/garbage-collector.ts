import type {Change, Store} from './store.js';

/**
 * Cascading deletion: objects owned (ownerReferences) by a deleted object go too, and deleting a
 * Namespace removes everything in it. Done at once rather than through finalizers: nothing the
 * tests run depends on the Terminating phase.
 */
export function collectGarbage(store: Store): () => void {
	const onChange = (change: Change) => {
		if (change.type !== 'DELETED') return;
		setImmediate(() => {
			const uid = change.object.metadata.uid;
			const deletedNamespace = change.bucket === '/namespaces' ? change.object.metadata.name : undefined;
			for (const {bucket, object} of store.all()) {
				const owned = object.metadata.ownerReferences?.some(owner => owner.uid === uid);
				const inNamespace = deletedNamespace !== undefined && object.metadata.namespace === deletedNamespace;
				if (owned || inNamespace) {
					try {
						store.delete(bucket, object.metadata.namespace, object.metadata.name, bucket);
					} catch {
						// already gone through another owner
					}
				}
			}
		});
	};
	store.on('change', onChange);
	return () => store.off('change', onChange);
}
