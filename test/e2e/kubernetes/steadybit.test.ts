import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import type {StandInImage} from '../../support/kube-emulator/index.js';
import {stepOutputs} from '../../support/run-cli.js';
import {chartPath, freePort, shown, standInImage, startCluster, startClusters, type Cluster} from './support.js';

const extensions = ['http', 'kubernetes', 'container', 'host'] as const;

/**
 * The chart's images as stand-ins for one cluster. In a cluster each extension pod has its own network namespace and
 * the agent finds them by annotations (autoregistration). The emulator runs every pod on the host's loopback: each
 * extension stand-in gets its own free port, and the agent stand-in is given their addresses as registration URLs.
 */
async function steadybitStandIns(): Promise<{ports: Record<string, {port: number; health: number}>; images: Record<string, StandInImage>}> {
	const ports = Object.fromEntries(await Promise.all(extensions.map(async name => [name, {port: await freePort(), health: await freePort()}] as const)));
	const images: Record<string, StandInImage> = {};
	for (const name of extensions) {
		images[`ghcr.io/steadybit/extension-${name}:latest`] = standInImage('steadybit-extension', {
			STEADYBIT_EXTENSION_PORT: String(ports[name]!.port),
			STEADYBIT_EXTENSION_HEALTH_PORT: String(ports[name]!.health),
		});
	}

	images['steadybit/agent:2.4.2'] = standInImage('steadybit-agent', {
		...Object.fromEntries(extensions.map((name, index) => [`STEADYBIT_AGENT_EXTENSIONS_REGISTRATIONS_${index}_URL`, `https://127.0.0.1:${ports[name]!.port}`])),
		STAND_IN_INTERVAL_MS: '500',
	});
	return {ports, images};
}

test.serial('steadybit --target helm: four extensions start with RequireAndVerifyClientCert, the agent reaches each over mutual TLS', async t => {
	// The agent stand-in calls the extensions by IP (see steadybitStandIns), which the
	// agent's default hostname verification (unsafe_ip_addresses) does not check, as for pod-IP DaemonSets; the
	// certificate's Service DNS names are proved by the run's local handshake.
	const {ports, images} = await steadybitStandIns();
	const cluster = await startCluster(t, images);
	const out = join(cluster.scratch, 'out');
	const result = await cluster.cli(
		['run', 'steadybit', '--target', 'helm', '--set', 'clusterName=e2e', '--set', 'namespace=steadybit-e2e', '--set', `chart=${chartPath('steadybit-agent')}`, '--out', out, '--yes'],
		// The passphrase makes the agent's key encrypted PKCS#8; the chart hands the password to the agent from its own secret.
		{env: {MTLS_WIZARD_ANSWER_AGENT_KEY: 'agent-key-e2e', MTLS_WIZARD_ANSWER_AGENT_KEY_PASSPHRASE: 'e2e-passphrase'}},
	);
	t.is(result.exitCode, 0, shown(result));
	t.is(result.stdout.match(/done \(.*\): confirmed: The extension serves HTTPS and requires a client certificate/g)?.length, 4, result.stdout);

	const types = await cluster.kubectl('-n', 'steadybit-e2e', 'get', 'secrets', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.type} {end}');
	t.regex(types.stdout, /steadybit-agent-client-tls=kubernetes\.io\/tls/);
	t.regex(types.stdout, /steadybit-extension-server-tls=kubernetes\.io\/tls/);
	// The CA-only secret must be Opaque: a kubernetes.io/tls secret would need tls.key.
	t.regex(types.stdout, /steadybit-mtls-ca=Opaque/);

	for (const name of extensions) {
		const kind = name === 'container' || name === 'host' ? 'daemonset' : 'deployment';
		const log = await cluster.logs('steadybit-e2e', `${kind}/steadybit-agent-extension-${name}`, /Starting extension https server on port \d+ \(ClientAuth: RequireAndVerifyClientCert\)/);
		t.regex(log, new RegExp(`on port ${ports[name]!.port} \\(ClientAuth: RequireAndVerifyClientCert\\)`));
	}

	// The agent logs its mutual TLS line before any call; each extension's answer is awaited on its own (see agentReached).
	const agent = await agentReached(cluster, extensions.map(name => ports[name]!.port));
	t.regex(agent, /Configuring extension http client using mutual TLS \(keyFile=\/opt\/steadybit\/agent\/etc\/extensions\/client\/tls\.key, chainFile=\/opt\/steadybit\/agent\/etc\/extensions\/client\/tls\.crt\)/);
});

/**
 * Follows the agent's log until every extension (by port) has answered it with HTTP 200, and returns the log. The
 * agent calls them in turn from its start, and an extension may start after it: a round in which the last one
 * answered can hold a refusal of an earlier one, so the last one's answer says nothing of the others.
 */
async function agentReached(cluster: Cluster, ports: number[]): Promise<string> {
	let log = '';
	for (const port of ports) log = await cluster.logs('steadybit-e2e', 'statefulset/steadybit-agent', new RegExp(`Extension https://127\\.0\\.0\\.1:${port} responded with HTTP 200`));
	return log;
}

test.serial('steadybit --target helm with three --context: the certificates once, then every cluster its secrets, release and four extensions confirmed from its own logs', async t => {
	const contexts = ['eu', 'us', 'ap'] as const;
	const standIns = Object.fromEntries(await Promise.all(contexts.map(async context => [context, await steadybitStandIns()] as const)));
	const {clusters, cli} = await startClusters(t, Object.fromEntries(contexts.map(context => [context, standIns[context]!.images])));
	const out = join(clusters['eu']!.scratch, 'out');
	const result = await cli(
		['run', 'steadybit', '--target', 'helm', '--set', 'clusterName=e2e', '--set', 'namespace=steadybit-e2e', '--set', `chart=${chartPath('steadybit-agent')}`, '--out', out,
			...contexts.flatMap(context => ['--context', context]), '--yes'],
		{env: {MTLS_WIZARD_ANSWER_AGENT_KEY: 'agent-key-e2e'}, timeoutMs: 300_000},
	);
	t.is(result.exitCode, 0, shown(result));
	t.is(result.stdout.match(/\] certificates /g)?.length, 1, 'the certificates are issued once');

	// Each context's four confirmations come from its own cluster: the startup line names that cluster's own port.
	const steps = stepOutputs(result.stdout);
	for (const context of contexts) {
		for (const name of extensions) {
			const block = steps.get(`confirm-extension-${name}@${context}`);
			t.truthy(block, `no confirmation of extension-${name} in context ${context}`);
			t.regex(block ?? '', /done \([^)]*\): confirmed: The extension serves HTTPS and requires a client certificate/, `${name}@${context}`);
			t.regex(block ?? '', new RegExp(`on port ${standIns[context]!.ports[name]!.port} \\(ClientAuth: RequireAndVerifyClientCert\\)`), `${name}@${context}`);
		}
	}

	t.is(result.stdout.match(/done \(.*\): confirmed: The extension serves HTTPS and requires a client certificate/g)?.length, 12, result.stdout);
	const ca = await readFile(join(out, 'certs', 'ca.crt'), 'utf8');
	for (const context of contexts) {
		const cluster = clusters[context]!;
		const secret = await cluster.kubectl('-n', 'steadybit-e2e', 'get', 'secret', 'steadybit-mtls-ca', '-o', 'jsonpath={.data.tls\\.crt}');
		t.is(Buffer.from(secret.stdout, 'base64').toString('utf8'), ca, `context ${context} trusts the one CA`);
		// Each extension's answer is awaited: failing that, the wait names the one the agent never reached.
		await agentReached(cluster, extensions.map(name => standIns[context]!.ports[name]!.port));
	}
});
