import {join} from 'node:path';
import test from 'ava';
import {docker, freePort, httpsGetInNamespace} from '../../support/private-docker.js';
import {stepsNamed} from '../../support/run-cli.js';
import {buildStandInImage} from '../../support/stand-in-image.js';
import {makeTestPki, type TestPki} from '../../support/stand-ins/openssl-pki.js';
import {inspectContainer, logsOf, privateEngineForFile, shown, waitForLog} from './support/docker-e2e.js';
import {agentLogProblems, deployPortainer, type PortainerImages} from './support/portainer-deploy.js';

let images: PortainerImages;
let pki: TestPki;

const setup = privateEngineForFile('portainer-fleet', async e2e => {
	const [server, agent] = await Promise.all([buildStandInImage(e2e.engine.env, 'portainer-server'), buildStandInImage(e2e.engine.env, 'portainer-agent')]);
	images = {server, agent};
	pki = await makeTestPki(join(e2e.work, 'other-pki'));
});

const devices = Array.from({length: 20}, (_, index) => `edge-${String(index + 1).padStart(2, '0')}`);

type AgentService = {
	Spec: {
		Name: string;
		Mode: {Global?: object};
		TaskTemplate: {
			ContainerSpec: {Env?: string[]; Secrets?: Array<{SecretName: string; File: {Name: string}}>};
			Networks?: Array<{Target: string}>;
		};
	};
};

/**
 * A server log that holds a poll line of every one of `cns`: the agents poll side by side, so the line of one
 * device (the last one's, say) does not mean the others' are in the log yet.
 */
function pollsOfEvery(cns: string[]): RegExp {
	return new RegExp(`^${cns.map(cn => `(?=[\\s\\S]*edge poll over mutual TLS \\| client_cn=${cn} )`).join('')}`);
}

// First: the swarm test leaves the engine a swarm node, where the agent would run in cluster mode.
test.serial('docker fleet: three Edge devices, each its own container polling with its own certificate, each confirmed', async t => {
	const e2e = setup();
	const port = await freePort();
	const key = Buffer.from(`https://portainer.test:${port}|portainer.test:8000|stand-in-fingerprint|0`).toString('base64');
	const trio = ['lab-a', 'lab-b', 'lab-c'];
	const {result} = await deployPortainer(e2e, images, 'docker', 'docker-fleet', ['--set', `agents=${trio.join(',')}`, '--set', 'edgeId=site', '--set', `dockerVolumesDir=${e2e.volumesDir}`], {port, env: {MTLS_WIZARD_ANSWER_EDGE_KEY: key}});
	t.is(result.exitCode, 0, shown(result));
	const confirmations = stepsNamed(result.stdout, 'confirm-edge-agent-');
	t.deepEqual(confirmations.map(([device]) => device), trio);
	for (const [, output] of confirmations) t.regex(output, /done \([^)]*\): confirmed: The Edge Agent polled Portainer over mutual TLS/);
	for (const device of trio) {
		const container = await inspectContainer(e2e.engine.env, `portainer_edge_agent-${device}`);
		t.true(container.Config.Env.includes(`EDGE_ID=site-${device}`), device);
		t.like(container.Mounts.find(mount => mount.Destination === '/certs/client.crt'), {Source: join(e2e.work, 'docker-fleet', 'agents', device, 'agent.crt')});
		t.like(container.Mounts.find(mount => mount.Destination === '/data'), {Name: `portainer_agent_data-${device}`});
		t.deepEqual(agentLogProblems(await waitForLog(e2e.engine.env, `portainer_edge_agent-${device}`, /checkin_interval_seconds=/)), [], device);
	}

	const serverLog = await waitForLog(e2e.engine.env, 'portainer', pollsOfEvery(trio));
	t.deepEqual([...serverLog.matchAll(/edge poll over mutual TLS \| client_cn=(\S+) edge_id=(\S+)/g)].map(([, cn, edgeId]) => `${cn!} ${edgeId!}`).sort(), trio.map(device => `${device} site-${device}`));
});

test.serial('swarm fleet: 20 Edge devices, each its own global service polling Portainer with its own certificate; all 20 confirmed, a certificate from another CA refused', async t => {
	// 20 services started by the swarm and 20 log confirmations, on a loaded 2-core machine: a generous limit, named.
	t.timeout(8 * 60_000, 'the 20-device swarm run and its checks');
	const e2e = setup();
	const {env: engineEnv, netns} = e2e.engine;
	// The Auto onboarding key (environment ID 0): one key for the whole fleet, each device's EDGE_ID its own environment.
	const port = await freePort();
	const key = Buffer.from(`https://portainer.test:${port}|portainer.test:8000|stand-in-fingerprint|0`).toString('base64');
	const {out, env, result} = await deployPortainer(e2e, images, 'swarm', 'fleet', [
		'--set', `agents=edge-{01..20}`,
		'--set', 'edgeId=site',
		'--set', `dockerVolumesDir=${e2e.volumesDir}`,
	], {port, env: {MTLS_WIZARD_ANSWER_EDGE_KEY: key}, timeoutMs: 7 * 60_000});
	t.is(result.exitCode, 0, shown(result));
	t.false(shown(result).includes(key), 'the Edge key is never printed');
	// One confirmation per device, each made from its own service's log.
	const confirmations = stepsNamed(result.stdout, 'confirm-edge-agent-');
	t.deepEqual(confirmations.map(([device]) => device), devices);
	for (const [device, output] of confirmations) {
		t.regex(output, /done \([^)]*\): confirmed: The Edge Agent polled Portainer over mutual TLS/, device);
		t.regex(output, new RegExp(`^ +portainer_edge_agent-${device}\\.\\S+ +\\| .*checkin_interval_seconds=`, 'm'), device);
	}

	// What users run, per device: a global service on the overlay network, resolving its own tasks.<service>.
	const names = devices.map(device => `portainer_edge_agent-${device}`);
	const specs = JSON.parse(await docker(engineEnv, ['service', 'inspect', ...names])) as AgentService[];
	const networkId = (await docker(engineEnv, ['network', 'inspect', '--format', '{{.Id}}', 'portainer_agent_network'])).trim();
	for (const [index, spec] of specs.entries()) {
		const device = devices[index]!;
		t.is(spec.Spec.Name, names[index]!);
		t.truthy(spec.Spec.Mode.Global, device);
		t.deepEqual(spec.Spec.TaskTemplate.Networks?.map(n => n.Target), [networkId]);
		const environment = spec.Spec.TaskTemplate.ContainerSpec.Env ?? [];
		t.true(environment.includes(`EDGE_ID=site-${device}`), device);
		t.true(environment.includes(`AGENT_CLUSTER_ADDR=tasks.portainer_edge_agent-${device}`), device);
		t.deepEqual(spec.Spec.TaskTemplate.ContainerSpec.Secrets?.map(s => [s.SecretName, s.File.Name]).sort(), [
			[`portainer-agent-${device}.mtlscert`, 'portainer.mtlscert'],
			[`portainer-agent-${device}.mtlskey`, 'portainer.mtlskey'],
			['portainer.mtlscacert', 'portainer.mtlscacert'],
		]);
	}

	// Each agent: cluster mode joined on its own service's address, its own environment, polled, and no error after.
	const agentLogs = await Promise.all(names.map(async name => waitForLog(engineEnv, name, /checkin_interval_seconds=/, 'service')));
	for (const [index, log] of agentLogs.entries()) {
		t.regex(log, new RegExp(`cluster joined \\| cluster_address=tasks\\.${names[index]}`), names[index]);
		t.regex(log, /setting endpoint ID \| endpoint_id=\d+/, names[index]);
		t.deepEqual(agentLogProblems(log), [], names[index]);
	}

	// The server names the client certificate of each environment's first poll: 20 distinct CNs, each with its EDGE_ID.
	const pollLine = /stand-in: edge poll over mutual TLS \| client_cn=(\S+) edge_id=(\S+) endpoint_id=(\d+)/g;
	const serverLog = await waitForLog(engineEnv, 'portainer', pollsOfEvery(devices), 'service');
	const polls = [...serverLog.matchAll(pollLine)].map(([, cn, edgeId, endpoint]) => ({cn: cn!, edgeId: edgeId!, endpoint: endpoint!}));
	t.deepEqual(polls.map(poll => poll.cn).sort(), devices);
	for (const poll of polls) t.is(poll.edgeId, `site-${poll.cn}`);
	t.is(new Set(polls.map(poll => poll.endpoint)).size, 20, 'each device its own Edge environment');

	// A certificate from another CA is refused at the handshake, and the server says whose it was.
	const stranger = await httpsGetInNamespace(netns, {url: `https://127.0.0.1:${port}/api/endpoints/100/edge/status`, servername: 'portainer.test', ca: join(out, 'certs', 'ca.crt'), cert: pki.otherClient.cert, key: pki.otherClient.key});
	t.is(stranger.status, undefined, `the other CA's certificate got an answer: ${JSON.stringify(stranger)}`);
	const refused = await waitForLog(engineEnv, 'portainer', /stand-in: client certificate refused \| client_cn=other-client/, 'service');
	t.notRegex(refused, /client_cn=other-client edge_id=/);
	t.deepEqual(agentLogProblems(await logsOf(engineEnv, names[0]!, 'service')), [], 'the first device still polls without errors');

	// status finds every device's certificate in its own secret, by the fingerprint label the run set on it.
	const status = await e2e.wizard(['status'], env);
	t.is(status.exitCode, 0, shown(status));
	for (const device of devices) t.regex(status.stdout, new RegExp(`^agent ${device}\\n  on disk \\S+/agents/${device}/agent\\.crt: CN=${device}[^\\n]*\\n  docker secret portainer-agent-${device}\\.mtlscert: match`, 'm'), device);
});
