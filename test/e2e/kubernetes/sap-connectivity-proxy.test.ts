import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {runTool} from '../../support/kube-emulator/run-tool.js';
import {chartPath, freePort, shown, standInImage, startCluster, type Cluster} from './support.js';

const image = 'sapse/connectivity-proxy:2.20.0';

/**
 * The probe targets externalHost:443 at the ingress in a real cluster. The emulator has no ingress and runs the proxy
 * pod on the host's loopback, so the stand-in listens on a free port and the probe reaches it through the recipe's
 * answers externalHost=localhost and probePort.
 */
async function proxyCluster(t: Parameters<typeof startCluster>[0]): Promise<{cluster: Cluster; port: number}> {
	const port = await freePort();
	const cluster = await startCluster(t, {
		[image]: standInImage('sap-connectivity-proxy', {CONNECTIVITY_PROXY_TUNNEL_PORT: String(port)}),
	});
	return {cluster, port};
}

function secretKeys(cluster: Cluster, name: string) {
	return cluster.kubectl('-n', 'sap-e2e', 'get', 'secret', name, '-o', 'go-template={{.type}}{{range $k, $v := .data}} {{$k}}{{end}}');
}

const common = (port: number, out: string) => [
	'--set', 'externalHost=localhost',
	'--set', `probePort=${port}`,
	'--set', `chart=${chartPath('connectivity-proxy')}`,
	'--set', 'namespace=sap-e2e',
	'--out', out, '--yes',
];

test.serial('sap-connectivity-proxy --target helm, termination: proxy and ingress secrets, enableTls, the tunnel server certificate probed', async t => {
	const {cluster, port} = await proxyCluster(t);
	const out = join(cluster.scratch, 'out');
	const result = await cluster.cli(['run', 'sap-connectivity-proxy', '--target', 'helm', '--set', 'mode=termination', ...common(port, out)]);
	t.is(result.exitCode, 0, shown(result));
	t.regex(result.stdout, /server certificate for localhost on localhost:\d+ proved/);

	t.is((await secretKeys(cluster, 'connectivity-proxy-tls')).stdout, 'Opaque ca.crt tls.crt tls.key');
	t.is((await secretKeys(cluster, 'connectivity-tls')).stdout, 'Opaque tls.crt tls.key');
	const config = await cluster.kubectl('-n', 'sap-e2e', 'get', 'configmap', 'connectivity-proxy-config', '-o', 'jsonpath={.data.connectivity-proxy-config\\.yml}');
	t.regex(config.stdout, /enableTls: true/);
	t.regex(config.stdout, /strictSniEnabled: true/);
	const log = await cluster.logs('sap-e2e', 'statefulset/connectivity-proxy', /Connectivity proxy started \(business data tunnel port \d+\)/);
	t.notRegex(log, /Failed to start/);
});

test.serial('sap-connectivity-proxy --target helm, passthrough: strictSniEnabled false, ca.crt from the SAP Connectivity CA file, probed', async t => {
	const {cluster, port} = await proxyCluster(t);
	// Releases below 2.4.1 need the SAP Connectivity CA in the proxy secret; an independent CA stands in for it.
	const sapCa = join(cluster.scratch, 'connectivity_ca.crt');
	const made = await runTool('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(cluster.scratch, 'connectivity_ca.key'), '-out', sapCa, '-days', '2', '-subj', '/CN=SAP Connectivity test CA']);
	t.is(made.exitCode, 0, `openssl is needed to make the SAP CA stand-in: ${made.stderr}`);
	const out = join(cluster.scratch, 'out');
	const result = await cluster.cli(['run', 'sap-connectivity-proxy', '--target', 'helm', '--set', 'mode=passthrough', '--set', `connectivityCaFile=${sapCa}`, ...common(port, out)]);
	t.is(result.exitCode, 0, shown(result));
	t.regex(result.stdout, /server certificate for localhost on localhost:\d+ proved/);

	t.is((await secretKeys(cluster, 'connectivity-proxy-tls')).stdout, 'Opaque ca.crt tls.crt tls.key');
	const caInSecret = await cluster.kubectl('-n', 'sap-e2e', 'get', 'secret', 'connectivity-proxy-tls', '-o', 'jsonpath={.data.ca\\.crt}');
	t.is(Buffer.from(caInSecret.stdout, 'base64').toString('utf8'), await readFile(sapCa, 'utf8'));
	const publicSecret = await cluster.kubectl('-n', 'sap-e2e', 'get', 'secret', 'connectivity-tls');
	t.not(publicSecret.exitCode, 0, 'passthrough mode must not create the ingress secret');
	const config = await cluster.kubectl('-n', 'sap-e2e', 'get', 'configmap', 'connectivity-proxy-config', '-o', 'jsonpath={.data.connectivity-proxy-config\\.yml}');
	t.regex(config.stdout, /strictSniEnabled: false/);
	await cluster.logs('sap-e2e', 'statefulset/connectivity-proxy', /Connectivity proxy started/);
});
