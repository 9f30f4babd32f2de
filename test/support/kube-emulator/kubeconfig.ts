import {writeFileSync} from 'node:fs';
import {stringify} from 'yaml';

/**
 * A kubeconfig with the emulator's context (current) and a decoy context pointing at a closed port,
 * so tests can prove that --context really selects the cluster.
 */
export function writeKubeconfig(path: string, options: {server: string; caPem: string; context: string; decoyContext: string}): void {
	const config = {
		apiVersion: 'v1',
		kind: 'Config',
		'current-context': options.context,
		clusters: [
			{name: options.context, cluster: {server: options.server, 'certificate-authority-data': Buffer.from(options.caPem).toString('base64')}},
			{name: options.decoyContext, cluster: {server: 'https://127.0.0.1:1', 'certificate-authority-data': Buffer.from(options.caPem).toString('base64')}},
		],
		users: [{name: 'emulator-admin', user: {token: 'kube-emulator-token'}}],
		contexts: [
			{name: options.context, context: {cluster: options.context, user: 'emulator-admin', namespace: 'default'}},
			{name: options.decoyContext, context: {cluster: options.decoyContext, user: 'emulator-admin', namespace: 'default'}},
		],
	};
	writeFileSync(path, stringify(config), {mode: 0o600});
}
