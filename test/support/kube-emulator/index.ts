import {chmodSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {AddressInfo} from 'node:net';
import {writeKubeconfig} from './kubeconfig.js';
import {createApiServer} from './server.js';
import {makeServingCert} from './serving-cert.js';
import {Store} from './store.js';
import {admit} from './admission.js';
import {findKind, bucketOf, qualifiedName} from './resources.js';
import {collectGarbage} from './garbage-collector.js';
import {Kubelet, type ImageSpec} from './kubelet.js';
import {startControllers} from './workloads.js';
import type {KubeObject} from './selectors.js';

/**
 * What an image reference stands for: the argv in place of its entrypoint (e.g. ['node', '/path/stand-in.mjs']),
 * and the uid/gid of the image's USER, which a pod runs as unless its securityContext says otherwise.
 */
export type StandInImage = {entrypoint: string[]; user?: {uid: number; gid: number}};

export type KubeEmulatorOptions = {
	/** image reference → its stand-in; a bare argv is an image without USER, so it runs as root (0:0) */
	images?: Record<string, string[] | StandInImage>;
};

export type KubeEmulator = {
	kubeconfigPath: string;
	/** the emulator's context (also current-context) */
	context: string;
	/** a second context in the same kubeconfig that points at a closed port */
	decoyContext: string;
	server: string;
	/** KUBECONFIG plus private cache/config dirs for kubectl and helm */
	env: NodeJS.ProcessEnv;
	/** per-pod directories the stand-ins see as `/` (STAND_IN_ROOT) live under here, traversable by every uid */
	podsRoot: string;
	stop(): Promise<void>;
};

/** Starts a Kubernetes API emulator on 127.0.0.1 with TLS; see test/support/kube-emulator/README in the report. */
export async function startKubeEmulator(options: KubeEmulatorOptions = {}): Promise<KubeEmulator> {
	const dir = mkdtempSync(join(tmpdir(), 'kube-emulator-'));
	const cert = makeServingCert(dir);
	const store = new Store();
	let nextServiceIp = 10;
	const serviceIp = () => `10.96.0.${nextServiceIp++}`;
	for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
		seed(store, {apiVersion: 'v1', kind: 'Namespace', metadata: {name}}, serviceIp);
	}
	seed(store, {apiVersion: 'v1', kind: 'Node', metadata: {name: 'emulator-node', labels: {'kubernetes.io/hostname': 'emulator-node', 'kubernetes.io/os': 'linux'}}, status: {conditions: [{type: 'Ready', status: 'True'}], addresses: [{type: 'InternalIP', address: '127.0.0.1'}]}}, serviceIp);
	seed(store, {apiVersion: 'v1', kind: 'Service', metadata: {name: 'kubernetes', namespace: 'default'}, spec: {ports: [{name: 'https', port: 443}]}}, serviceIp);

	// Apart from the 0700 dir (serving key, kubeconfig): pods running as other users must reach their files.
	const podsRoot = mkdtempSync(join(tmpdir(), 'kube-emulator-pods-'));
	chmodSync(podsRoot, 0o755);
	const images: Record<string, ImageSpec> = {};
	for (const [reference, image] of Object.entries(options.images ?? {})) {
		images[reference] = Array.isArray(image) ? {entrypoint: image, user: {uid: 0, gid: 0}} : {entrypoint: image.entrypoint, user: image.user ?? {uid: 0, gid: 0}};
	}
	const kubelet = new Kubelet(store, {images, podsRoot});
	const stopGc = collectGarbage(store);
	const stopControllers = startControllers(store);
	const server = createApiServer({store, certPem: cert.certPem, keyPem: cert.keyPem, serveLogs: request => kubelet.serveLogs(request), serviceIp});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const {port} = server.address() as AddressInfo;
	const serverUrl = `https://127.0.0.1:${port}`;
	const kubeconfigPath = join(dir, 'kubeconfig');
	const context = 'kube-emulator';
	const decoyContext = 'kube-emulator-unreachable';
	writeKubeconfig(kubeconfigPath, {server: serverUrl, caPem: cert.caPem, context, decoyContext});
	const env: NodeJS.ProcessEnv = {
		KUBECONFIG: kubeconfigPath,
		KUBECACHEDIR: join(dir, 'kube-cache'),
		HELM_CACHE_HOME: join(dir, 'helm', 'cache'),
		HELM_CONFIG_HOME: join(dir, 'helm', 'config'),
		HELM_DATA_HOME: join(dir, 'helm', 'data'),
	};
	let stopped = false;
	return {
		kubeconfigPath,
		context,
		decoyContext,
		server: serverUrl,
		env,
		podsRoot,
		async stop() {
			if (stopped) return;
			stopped = true;
			stopControllers();
			stopGc();
			await kubelet.stopAll();
			server.closeAllConnections();
			await new Promise<void>(resolve => server.close(() => resolve()));
			rmSync(podsRoot, {recursive: true, force: true});
			rmSync(dir, {recursive: true, force: true});
		},
	};
}

function seed(store: Store, object: KubeObject, serviceIp: () => string): void {
	const resource = findKind(object.apiVersion ?? '', object.kind ?? '');
	if (!resource) throw new Error(`no resource type for ${object.kind}`);
	store.create(bucketOf(resource), admit(resource, object, undefined, serviceIp), qualifiedName(resource));
}
