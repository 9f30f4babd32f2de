import test from 'ava';
import {ids, pki, planFor, stepOf} from './plan-for.js';

const domain = ['mtlsDomain=portainer.example.com'];
const withAgent = [...domain, 'edgeId=edge-1'];
const edgeKey = {edgeKey: 'EDGE-KEY'};

test('certificates: server cert for the mTLS domain, agent client cert', async t => {
	const plan = await planFor('portainer', 'docker', domain);
	t.deepEqual(stepOf(plan, 'certificates', 'issue-certificates').leaves.map(l => [l.id, l.role, l.commonName, l.dnsNames]), [
		['server', 'server', 'portainer.example.com', ['portainer.example.com']],
		['agent', 'client', 'portainer-edge-agent', []],
	]);
	t.like(stepOf(plan, 'verify-handshake', 'verify-handshake'), {server: 'server', client: 'agent', serverName: 'portainer.example.com'});
});

test('docker: server on the default bridge publishing 9443 and 8000, flags and mounts; agent with --mtls flags and EDGE_INSECURE_POLL=0', async t => {
	const plan = await planFor('portainer', 'docker', withAgent, edgeKey);
	t.deepEqual(ids(plan), ['certificates', 'verify-handshake', 'run-portainer', 'run-edge-agent', 'confirm-server-mtls', 'confirm-edge-agent']);
	const server = stepOf(plan, 'run-portainer', 'docker-run');
	t.like(server, {container: 'portainer', image: 'portainer/portainer-ee:2.39.4', network: 'bridge'});
	t.deepEqual(server.ports, [{published: 9443, target: 9443}, {published: 8000, target: 8000}]);
	t.deepEqual(server.args, ['--mtlscacert', '/certs/mtlsca.crt', '--mtlscert', '/certs/mtlsserver.crt', '--mtlskey', '/certs/mtlsserver.key', '--log-mode', 'NOCOLOR']);
	t.deepEqual(server.mounts, [
		{source: '/var/run/docker.sock', target: '/var/run/docker.sock', readOnly: false},
		{source: 'portainer_data', target: '/data', readOnly: false},
		{source: pki('ca.crt'), target: '/certs/mtlsca.crt', readOnly: true},
		{source: pki('server.crt'), target: '/certs/mtlsserver.crt', readOnly: true},
		{source: pki('server.key'), target: '/certs/mtlsserver.key', readOnly: true},
	]);
	const agent = stepOf(plan, 'run-edge-agent', 'docker-run');
	t.like(agent, {container: 'portainer_edge_agent', image: 'portainer/agent:2.39.4', network: 'bridge'});
	t.deepEqual(agent.env, {EDGE: '1', EDGE_ID: 'edge-1', EDGE_INSECURE_POLL: '0', LOG_LEVEL: 'DEBUG', LOG_MODE: 'NOCOLOR'});
	t.deepEqual(agent.secretEnv, {EDGE_KEY: {secret: 'edgeKey'}});
	t.deepEqual(agent.args, ['--mtlscacert', '/certs/mtlsca.crt', '--mtlscert', '/certs/client.crt', '--mtlskey', '/certs/client.key']);
	t.deepEqual(
		agent.mounts.filter(m => m.target.startsWith('/certs/')),
		[
			{source: pki('ca.crt'), target: '/certs/mtlsca.crt', readOnly: true},
			{source: pki('agent.crt'), target: '/certs/client.crt', readOnly: true},
			{source: pki('agent.key'), target: '/certs/client.key', readOnly: true},
		],
	);
});

test('docker: the probe uses the client certificate on 9443 with the mTLS domain as server name', async t => {
	const plan = await planFor('portainer', 'docker', withAgent, edgeKey);
	const probe = stepOf(plan, 'confirm-server-mtls', 'tls-probe');
	t.like(probe, {
		host: '127.0.0.1',
		port: 9443,
		serverName: 'portainer.example.com',
		caFile: pki('ca.crt'),
		clientCertFile: pki('agent.crt'),
		clientKeyFile: pki('agent.key'),
		httpPath: '/api/system/status',
	});
	t.false('presentClientCertificate' in probe);
	const agentLog = stepOf(plan, 'confirm-edge-agent', 'wait-for-log');
	t.deepEqual(agentLog.source, {kind: 'docker-container', container: 'portainer_edge_agent'});
	const match = (line: string) => agentLog.failures.find(p => new RegExp(p.pattern).test(line));
	// The source spells it "occured".
	t.regex(match('2026/01/01 10:00AM ERR edge/poll.go:140 > an error occured during short poll | error="Get \\"https://portainer.example.com:9443/api/endpoints/1/edge/status\\": tls: failed to verify certificate: x509: certificate signed by unknown authority"')!.hint, /--mtlscacert/);
	t.regex(match('ERR > an error occured during short poll | error="x509: certificate is valid for other.example.com, not portainer.example.com"')!.hint, /Edge key/);
	t.regex(match('ERR > an error occured during short poll | error="remote error: tls: certificate required"')!.hint, /rejected the agent/);
	t.regex(match('ERR > an error occured during short poll | error="context deadline exceeded"')!.hint, /9443/);
	t.regex(match('ERR > an error occured during short poll | error="Permission denied to access environment. The device has not been trusted yet: Unauthorized Edge endpoint operation: invalid Edge identifier. Environment name: edge-2"')!.hint, /Auto onboarding/);
	// The agent's exit when Docker's DNS does not know tasks.<service> yet: the swarm restarts it, so it is only a hint.
	const unresolved = match('2026/12/07 10:54PM FTL cmd/agent/main.go:133 > unable to retrieve a list of IP associated to the host | error="lookup tasks.portainer_edge_agent on 127.0.0.11:53: no such host" host=tasks.portainer_edge_agent');
	t.regex(unresolved!.hint, /overlay network .*never with --network host/);
	t.true(unresolved!.transient);
	t.true(agentLog.success.some(p => new RegExp(p.pattern).test('2026/01/01 10:00AM DBG edge/poll.go:171 > | checkin_interval_seconds=5 port=0 schedule_count=0 status=IDLE')));
});

test('docker: without EDGE_KEY only the server runs, and a manual step says how to get it', async t => {
	const plan = await planFor('portainer', 'docker', domain);
	t.deepEqual(ids(plan), ['certificates', 'verify-handshake', 'run-portainer', 'create-edge-environment', 'confirm-server-mtls']);
	t.regex(stepOf(plan, 'create-edge-environment', 'manual').instructions.join('\n'), /https:\/\/portainer\.example\.com:9443.*MTLS_WIZARD_ANSWER_EDGE_KEY/s);
});

test('swarm: secrets portainer.mtlscacert|mtlscert|mtlskey, the overlay network, and services that reference them', async t => {
	const plan = await planFor('portainer', 'swarm', withAgent, edgeKey);
	t.deepEqual(ids(plan), [
		'certificates',
		'verify-handshake',
		'secret-mtlscacert',
		'secret-mtlscert',
		'secret-mtlskey',
		'network-portainer-agent',
		'service-portainer',
		'secret-agent-mtlscert',
		'secret-agent-mtlskey',
		'service-edge-agent',
		'confirm-server-mtls',
		'confirm-edge-agent',
	]);
	const dockerSecrets = plan.steps.filter(s => s.kind === 'docker-secret').map(s => (s.kind === 'docker-secret' ? [s.name, s.file] : []));
	t.deepEqual(dockerSecrets, [
		['portainer.mtlscacert', pki('ca.crt')],
		['portainer.mtlscert', pki('server.crt')],
		['portainer.mtlskey', pki('server.key')],
		['portainer-agent.mtlscert', pki('agent.crt')],
		['portainer-agent.mtlskey', pki('agent.key')],
	]);
	t.false(JSON.stringify(plan).includes('mtlsscert'), 'the seed typo is gone');
	const server = stepOf(plan, 'service-portainer', 'swarm-service');
	t.deepEqual(server.secrets, [
		{source: 'portainer.mtlscacert', target: 'portainer.mtlscacert'},
		{source: 'portainer.mtlscert', target: 'portainer.mtlscert'},
		{source: 'portainer.mtlskey', target: 'portainer.mtlskey'},
	]);
	t.like(stepOf(plan, 'network-portainer-agent', 'docker-network'), {name: 'portainer_agent_network', driver: 'overlay'});
	t.like(server, {network: 'portainer_agent_network', mode: {kind: 'replicated', replicas: 1}, constraints: ['node.role == manager']});
	// Portainer's stack file publishes through the routing mesh; host mode is the answer for kernels without IPVS.
	t.deepEqual(server.publish, [{published: 9443, target: 9443, mode: 'ingress'}, {published: 8000, target: 8000, mode: 'ingress'}]);
	t.false(server.args.includes('--bind-https'));
	t.deepEqual(server.args.slice(0, 6), ['--mtlscacert', '/run/secrets/portainer.mtlscacert', '--mtlscert', '/run/secrets/portainer.mtlscert', '--mtlskey', '/run/secrets/portainer.mtlskey']);
	const agent = stepOf(plan, 'service-edge-agent', 'swarm-service');
	t.deepEqual(agent.secrets, [
		{source: 'portainer.mtlscacert', target: 'portainer.mtlscacert'},
		{source: 'portainer-agent.mtlscert', target: 'portainer.mtlscert'},
		{source: 'portainer-agent.mtlskey', target: 'portainer.mtlskey'},
	]);
	t.deepEqual(agent.args, ['--mtlscacert', '/run/secrets/portainer.mtlscacert', '--mtlscert', '/run/secrets/portainer.mtlscert', '--mtlskey', '/run/secrets/portainer.mtlskey']);
	t.is(agent.env['EDGE_INSECURE_POLL'], '0');
	t.is(agent.env['AGENT_CLUSTER_ADDR'], 'tasks.portainer_edge_agent');
	// Cluster mode resolves tasks.portainer_edge_agent, which only an overlay network's DNS answers (platforms.md 2.3).
	t.like(agent, {network: 'portainer_agent_network', mode: {kind: 'global'}, constraints: ['node.platform.os == linux']});
	t.true(agent.mounts?.some(m => m.source === 'portainer_agent_data' && m.target === '/data'));
	// Every path a service flag names is a secret the service actually receives.
	for (const service of [server, agent]) {
		for (const arg of service.args.filter(a => a.startsWith('/run/secrets/'))) {
			t.true(service.secrets.some(s => `/run/secrets/${s.target}` === arg), `${service.service} ${arg}`);
		}
	}

	t.deepEqual(stepOf(plan, 'confirm-edge-agent', 'wait-for-log').source, {kind: 'docker-service', service: 'portainer_edge_agent'});
	const hostMode = stepOf(await planFor('portainer', 'swarm', [...withAgent, 'publishMode=host'], edgeKey), 'service-portainer', 'swarm-service');
	t.deepEqual(hostMode.publish.map(p => p.mode), ['host', 'host']);
});

test('helm: secret keys mtlsca.crt, mtlscert.crt, mtlskey.key; EE on; mtls.existingSecret', async t => {
	const plan = await planFor('portainer', 'helm', [...domain, 'httpsPort=30779']);
	t.deepEqual(ids(plan), ['certificates', 'verify-handshake', 'secret-portainer-mtls', 'helm-portainer-values', 'helm-portainer', 'point-mtls-domain', 'run-edge-agent', 'confirm-server-mtls']);
	const secret = stepOf(plan, 'secret-portainer-mtls', 'kube-secret');
	t.like(secret, {namespace: 'portainer', name: 'portainer-mtls-certs', type: 'generic'});
	t.deepEqual(secret.files, [
		{key: 'mtlsca.crt', path: pki('ca.crt')},
		{key: 'mtlscert.crt', path: pki('server.crt')},
		{key: 'mtlskey.key', path: pki('server.key')},
	]);
	t.deepEqual(stepOf(plan, 'helm-portainer-values', 'write-files').files[0]!.contents, {
		yaml: {enterpriseEdition: {enabled: true}, mtls: {existingSecret: 'portainer-mtls-certs'}},
	});
	t.like(stepOf(plan, 'helm-portainer', 'helm-release'), {
		release: 'portainer',
		chart: 'portainer/portainer',
		// The recipe's default ends in a slash; URL answers lose it.
		repo: {name: 'portainer', url: 'https://portainer.github.io/k8s'},
		version: '239.4.0',
		valuesFile: '/srv/mtls/values/portainer.yaml',
	});
	t.like(stepOf(plan, 'confirm-server-mtls', 'tls-probe'), {host: 'portainer.example.com', port: 30779, serverName: 'portainer.example.com', clientCertFile: pki('agent.crt')});
	t.regex(stepOf(plan, 'run-edge-agent', 'manual').instructions.join('\n'), /EDGE_INSECURE_POLL=0/);
});

test('no plan ever sets EDGE_INSECURE_POLL to anything but 0, nor misspells mtlscert', async t => {
	for (const [target, sets, secrets] of [
		['docker', withAgent, edgeKey],
		['swarm', withAgent, edgeKey],
		['helm', domain, {}],
		['bundle', domain, {}],
	] as const) {
		const text = JSON.stringify(await planFor('portainer', target, [...sets], secrets));
		t.false(/EDGE_INSECURE_POLL["=:]+1/.test(text), target);
		for (const wrong of ['mtlsscert', 'mtls-cert.pem', 'mtlscert.pem', 'mtlscert.key', 'mtlscrt']) t.false(text.includes(wrong), `${target}: ${wrong}`);
	}
});
