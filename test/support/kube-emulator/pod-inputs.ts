import type {KubeObject} from './selectors.js';
import type {Store} from './store.js';

export type KeyToPath = {key: string; path: string; mode?: number};
type SourceRef = {name?: string; secretName?: string; items?: KeyToPath[]; defaultMode?: number; optional?: boolean};
export type Volume = {name: string; secret?: SourceRef; configMap?: SourceRef; emptyDir?: object; projected?: {sources?: Array<{secret?: SourceRef; configMap?: SourceRef}>; defaultMode?: number}};
type EnvVar = {
	name: string;
	value?: string;
	valueFrom?: {secretKeyRef?: {name: string; key: string; optional?: boolean}; configMapKeyRef?: {name: string; key: string; optional?: boolean}; fieldRef?: {fieldPath: string}};
};
/** The fields of a SecurityContext that decide who the container's process is. */
type SecurityContext = {runAsUser?: number; runAsGroup?: number};
type PodSecurityContext = SecurityContext & {fsGroup?: number; supplementalGroups?: number[]};
export type Container = {
	name: string;
	image: string;
	securityContext?: SecurityContext;
	command?: string[];
	args?: string[];
	env?: EnvVar[];
	envFrom?: Array<{prefix?: string; secretRef?: {name: string; optional?: boolean}; configMapRef?: {name: string; optional?: boolean}}>;
	volumeMounts?: Array<{name: string; mountPath: string; subPath?: string; readOnly?: boolean}>;
};
export type PodSpec = {containers: Container[]; volumes?: Volume[]; restartPolicy?: string; securityContext?: PodSecurityContext};

export type Blocker = {reason: string; message: string};
/** Per volume: its files, and whether the pod can write to it (emptyDir) or not (secret/configMap projections). */
export type VolumeFiles = Map<string, {writable: boolean; entries: Array<{path: string; data: Buffer; mode: number}>}>;

/** Reads the data of a Secret (base64) or ConfigMap (plain and binaryData) as bytes per key. */
function sourceData(store: Store, namespace: string, kind: 'secret' | 'configmap', name: string): Map<string, Buffer> | undefined {
	const object = store.get(kind === 'secret' ? '/secrets' : '/configmaps', namespace, name);
	if (!object) return undefined;
	const data = new Map<string, Buffer>();
	for (const [key, value] of Object.entries((object.data as Record<string, string> | undefined) ?? {})) {
		data.set(key, kind === 'secret' ? Buffer.from(value, 'base64') : Buffer.from(value, 'utf8'));
	}
	for (const [key, value] of Object.entries((object.binaryData as Record<string, string> | undefined) ?? {})) {
		data.set(key, Buffer.from(value, 'base64'));
	}
	return data;
}

/**
 * The files of every secret/configMap volume, with `items`, `defaultMode` and `optional` honoured,
 * or the first reason the kubelet would refuse to mount (with its FailedMount message).
 */
export function resolveVolumes(store: Store, namespace: string, spec: PodSpec): {files: VolumeFiles} | {blocker: Blocker} {
	const files: VolumeFiles = new Map();
	for (const volume of spec.volumes ?? []) {
		const entries: Array<{path: string; data: Buffer; mode: number}> = [];
		const sources: Array<{kind: 'secret' | 'configmap'; ref: SourceRef; defaultMode?: number}> = [];
		if (volume.secret) sources.push({kind: 'secret', ref: volume.secret, defaultMode: volume.secret.defaultMode});
		if (volume.configMap) sources.push({kind: 'configmap', ref: volume.configMap, defaultMode: volume.configMap.defaultMode});
		for (const source of volume.projected?.sources ?? []) {
			if (source.secret) sources.push({kind: 'secret', ref: source.secret, defaultMode: volume.projected?.defaultMode});
			if (source.configMap) sources.push({kind: 'configmap', ref: source.configMap, defaultMode: volume.projected?.defaultMode});
		}
		for (const {kind, ref, defaultMode} of sources) {
			const name = ref.secretName ?? ref.name ?? '';
			const data = sourceData(store, namespace, kind, name);
			const failed = (message: string) => ({blocker: {reason: 'FailedMount', message: `MountVolume.SetUp failed for volume "${volume.name}" : ${message}`}});
			if (!data) {
				if (ref.optional) continue;
				return failed(`${kind} "${name}" not found`);
			}
			const mode = defaultMode ?? 0o644;
			const items: KeyToPath[] = ref.items ?? [...data.keys()].map(key => ({key, path: key}));
			for (const item of items) {
				const value = data.get(item.key);
				if (value === undefined) {
					if (ref.optional) continue;
					return failed(`references non-existent ${kind === 'secret' ? 'secret' : 'config'} key: ${item.key}`);
				}
				entries.push({path: item.path, data: value, mode: item.mode ?? mode});
			}
		}
		files.set(volume.name, {writable: sources.length === 0, entries});
	}
	return {files};
}

/** A user and group id, as an image's USER or a SecurityContext names them. */
export type UserId = {uid: number; gid: number};
export type ProcessIdentity = UserId & {groups: number[]};

/**
 * Who the container's process runs as, as the kubelet and container runtime decide: runAsUser/runAsGroup of the
 * container, else of the pod, else the image's USER. A runAsUser without runAsGroup keeps the image user's group
 * when it is that user, and gets group 0 otherwise (runc's rule for a uid not in the image's /etc/passwd).
 * fsGroup and supplementalGroups become supplementary groups of the process.
 */
export function processIdentity(spec: PodSpec, container: Container, imageUser: UserId): ProcessIdentity {
	const uid = container.securityContext?.runAsUser ?? spec.securityContext?.runAsUser ?? imageUser.uid;
	const gid = container.securityContext?.runAsGroup ?? spec.securityContext?.runAsGroup ?? (uid === imageUser.uid ? imageUser.gid : 0);
	const fsGroup = spec.securityContext?.fsGroup;
	const groups = [...new Set([...(fsGroup === undefined ? [] : [fsGroup]), ...(spec.securityContext?.supplementalGroups ?? [])])];
	return {uid, gid, groups};
}

/** The container's environment, or the CreateContainerConfigError message when a reference is missing. */
export function resolveEnv(store: Store, pod: KubeObject, container: Container): {values: Record<string, string>} | {blocker: Blocker} {
	const namespace = pod.metadata.namespace ?? 'default';
	const values: Record<string, string> = {};
	const missing = (message: string) => ({blocker: {reason: 'CreateContainerConfigError', message}});
	for (const source of container.envFrom ?? []) {
		const ref = source.secretRef ?? source.configMapRef;
		const kind = source.secretRef ? 'secret' : 'configmap';
		if (!ref) continue;
		const data = sourceData(store, namespace, kind, ref.name);
		if (!data) {
			if (ref.optional) continue;
			return missing(`${kind} "${ref.name}" not found`);
		}
		for (const [key, value] of data) values[`${source.prefix ?? ''}${key}`] = value.toString('utf8');
	}
	for (const variable of container.env ?? []) {
		const from = variable.valueFrom;
		const keyRef = from?.secretKeyRef ?? from?.configMapKeyRef;
		if (from?.fieldRef) {
			const fields: Record<string, string> = {'metadata.name': pod.metadata.name, 'metadata.namespace': namespace, 'status.podIP': '127.0.0.1', 'status.hostIP': '127.0.0.1', 'spec.nodeName': 'emulator-node'};
			values[variable.name] = fields[from.fieldRef.fieldPath] ?? '';
		} else if (keyRef) {
			const kind = from?.secretKeyRef ? 'secret' : 'configmap';
			const data = sourceData(store, namespace, kind, keyRef.name);
			const value = data?.get(keyRef.key);
			if (value === undefined) {
				if (keyRef.optional) continue;
				return missing(data ? `couldn't find key ${keyRef.key} in ${kind === 'secret' ? 'Secret' : 'ConfigMap'} ${namespace}/${keyRef.name}` : `${kind} "${keyRef.name}" not found`);
			}
			values[variable.name] = value.toString('utf8');
		} else {
			values[variable.name] = expandReferences(variable.value ?? '', values);
		}
	}
	return {values};
}

/** `$(VAR)` references, expanded from the env defined so far like the kubelet does. */
export function expandReferences(text: string, env: Record<string, string>): string {
	return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => (name === undefined ? '$' : (env[name] ?? match)));
}
