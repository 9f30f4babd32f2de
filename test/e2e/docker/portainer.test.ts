import {chmod, copyFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {spawnCli} from '../../commands/support/spawn-cli.js';
import {docker, freePort, httpsGetInNamespace, initSwarm} from '../../support/private-docker.js';
import {buildStandInImage} from '../../support/stand-in-image.js';
import {makeTestPki, type TestPki} from '../../support/stand-ins/openssl-pki.js';
import {containerNames, inspectContainer, privateEngineForFile, shown, waitForLog} from './support/docker-e2e.js';
import {agentLogProblems} from './support/portainer-deploy.js';

let images: {server: string; agent: string};
let pki: TestPki;

const setup = privateEngineForFile('portainer', async e2e => {
	const [server, agent] = await Promise.all([buildStandInImage(e2e.engine.env, 'portainer-server'), buildStandInImage(e2e.engine.env, 'portainer-agent')]);
	images = {server, agent};
	pki = await makeTestPki(join(e2e.work, 'other-pki'));
});

/**
 * The Edge key Portainer's UI generates: base64 of `url|tunnelAddr|fingerprint|endpointId`. The mTLS domain is
 * portainer.test, which the engine's namespace DNS resolves to the Docker host, as a user's DNS points it at theirs.
 */
const mtlsDomain = 'portainer.test';
function edgeKey(port: number): string {
	return Buffer.from(`https://${mtlsDomain}:${port}|${mtlsDomain}:8000|stand-in-fingerprint|1`).toString('base64');
}

function answers(port: number): string[] {
	const {socket, volumesDir} = setup();
	return [
		'--set', `mtlsDomain=${mtlsDomain}`,
		'--set', `serverImage=${images.server}`,
		'--set', `agentImage=${images.agent}`,
		'--set', 'edgeId=edge-1',
		'--set', `httpsPort=${port}`,
		'--set', `dockerSocket=${socket}`,
		'--set', `dockerVolumesDir=${volumesDir}`,
	];
}

/** GET over mutual TLS with our own Node client, from inside the engine's namespace: an independent judge of what the wizard deployed. */
async function edgeStatus(port: number, ca: string, identity?: {cert: string; key: string}): Promise<number> {
	const answer = await httpsGetInNamespace(setup().engine.netns, {url: `https://127.0.0.1:${port}/api/endpoints/1/edge/status`, servername: mtlsDomain, ca, ...identity});
	if (answer.status === undefined) throw new Error(`edge status request failed: ${answer.error ?? 'no answer'}`);
	return answer.status;
}

test.serial('docker: Portainer and the Edge Agent run with the issued certificates; the agent polls over mutual TLS and the probe passes', async t => {
	const {engine, work, cliEnv, wizard} = setup();
	const port = await freePort();
	const out = join(work, 'docker');
	const key = edgeKey(port);
	const result = await wizard(['run', 'portainer', '--target', 'docker', '--out', out, ...answers(port), '--yes'], cliEnv('docker', {MTLS_WIZARD_ANSWER_EDGE_KEY: key}));
	t.is(result.exitCode, 0, shown(result));
	t.regex(result.stdout, new RegExp(`mutual TLS proved on 127\\.0\\.0\\.1:${port}`));
	t.regex(result.stdout, /confirmed: The Edge Agent polled Portainer over mutual TLS/);
	t.false(shown(result).includes(key), 'the Edge key is never printed');

	t.deepEqual(await containerNames(engine.env), ['portainer', 'portainer_edge_agent']);
	const server = await inspectContainer(engine.env, 'portainer');
	t.true(server.State.Running);
	// Portainer's own docker run: the default bridge, publishing 9443 (here as the chosen port) and 8000.
	t.is(server.HostConfig.NetworkMode, 'default');
	t.deepEqual(server.HostConfig.PortBindings, {'9443/tcp': [{HostIp: '', HostPort: String(port)}], '8000/tcp': [{HostIp: '', HostPort: '8000'}]});
	t.deepEqual(server.Config.Cmd, ['--mtlscacert', '/certs/mtlsca.crt', '--mtlscert', '/certs/mtlsserver.crt', '--mtlskey', '/certs/mtlsserver.key', '--log-mode', 'NOCOLOR']);
	const agent = await inspectContainer(engine.env, 'portainer_edge_agent');
	t.true(agent.State.Running);
	t.is(agent.HostConfig.NetworkMode, 'default', 'the agent reaches Portainer through the mTLS domain, not a shared host network');
	t.true(agent.Config.Env.includes('EDGE_INSECURE_POLL=0'));
	t.true(agent.Config.Env.includes(`EDGE_KEY=${key}`), 'the secret Edge key reached the container');
	const certMount = agent.Mounts.find(mount => mount.Destination === '/certs/client.crt');
	t.like(certMount, {Source: join(out, 'certs', 'agent.crt'), RW: false});

	const serverLog = await waitForLog(engine.env, 'portainer', /starting HTTPS server/);
	t.regex(serverLog, /INF api\/http\/server\.go:365 > starting HTTPS server \| bind_address=:9443/);
	const agentLog = await waitForLog(engine.env, 'portainer_edge_agent', /checkin_interval_seconds=/);
	t.regex(agentLog, /DBG edge\/poll\.go:171 > +\| checkin_interval_seconds=5 port=0 schedule_count=0 status=IDLE/);
	// run-portainer does not wait for Portainer to listen before run-edge-agent: a first poll nobody answered is normal.
	t.deepEqual(agentLogProblems(agentLog), []);

	// Judged by our own client: the issued agent certificate gets the edge status, no certificate is turned away.
	const certs = join(out, 'certs');
	t.is(await edgeStatus(port, join(certs, 'ca.crt'), {cert: join(certs, 'agent.crt'), key: join(certs, 'agent.key')}), 200);
	t.is(await edgeStatus(port, join(certs, 'ca.crt')), 403);
});

test.serial('docker: an old client certificate from another CA put in place mid-run is refused; exit 1 with the recipe hint', async t => {
	const {engine, work, cliEnv, wizard} = setup();
	const port = await freePort();
	const out = join(work, 'stale-client');
	const env = cliEnv('stale-client', {MTLS_WIZARD_ANSWER_EDGE_KEY: edgeKey(port)});
	const cli = spawnCli(['run', 'portainer', '--target', 'docker', '--out', out, ...answers(port), '--yes'], {...env, MTLS_WIZARD_TEST_PAUSE_BEFORE: 'run-edge-agent'}, undefined, engine.netns);
	await cli.waitForLine(/test pause before step run-edge-agent/);
	cli.child.kill('SIGINT');
	t.is((await cli.exited).exitCode, 130);

	// The user copies the Edge Agent's certificate from an older setup (another CA) over the wizard's, then resumes.
	await copyFile(pki.otherClient.cert, join(out, 'certs', 'agent.crt'));
	await copyFile(pki.otherClient.key, join(out, 'certs', 'agent.key'));
	await chmod(join(out, 'certs', 'agent.key'), 0o600);
	const resumed = await wizard(['resume'], env);
	t.is(resumed.exitCode, 1, shown(resumed));
	t.regex(shown(resumed), /refused the client certificate/);
	t.regex(shown(resumed), /Portainer rejected the client certificate\. --mtlscacert must be the CA that signed it\./);

	// The agent, running with the stale certificate, is refused too, in Portainer's own words.
	const agentLog = await waitForLog(engine.env, 'portainer_edge_agent', /an error occured during short poll/);
	t.regex(agentLog, /ERR edge\/poll\.go:\d+ > an error occured during short poll \| error="Get \\"https:\/\/portainer\.test:\d+\/api\/endpoints\/1\/edge\/status\\": remote error: tls: bad certificate"/);
	t.notRegex(agentLog, /checkin_interval_seconds=/);
	t.deepEqual(await containerNames(engine.env), ['portainer', 'portainer_edge_agent']);
});

type ServiceSpec = {
	Spec: {
		Mode: {Global?: object; Replicated?: object};
		TaskTemplate: {
			ContainerSpec: {
				Args?: string[];
				Secrets?: Array<{SecretName: string; File: {Name: string; Mode: number}}>;
				Env?: string[];
				Mounts?: Array<{Type: string; Source: string; Target: string}>;
			};
			Networks?: Array<{Target: string}>;
			Placement?: {Constraints?: string[]};
		};
		EndpointSpec?: {Ports?: Array<{TargetPort: number; PublishedPort: number; PublishMode: string}>};
	};
};

test.serial('swarm: the three portainer.mtls* secrets, services that mount them under the names their flags read, confirmed', async t => {
	const {engine, work, cliEnv, wizard} = setup();
	await initSwarm(engine.env);
	const port = await freePort();
	const out = join(work, 'swarm');
	// publishMode=host: the routing mesh needs IPVS, which this kernel lacks (/proc/sys/net/ipv4/vs is absent);
	// the recipe's default stays ingress, as in Portainer's stack file (test/plan pins it).
	const result = await wizard(['run', 'portainer', '--target', 'swarm', '--out', out, ...answers(port), '--set', 'publishMode=host', '--yes'], cliEnv('swarm', {MTLS_WIZARD_ANSWER_EDGE_KEY: edgeKey(port)}));
	t.is(result.exitCode, 0, shown(result));
	t.regex(result.stdout, new RegExp(`mutual TLS proved on 127\\.0\\.0\\.1:${port}`));
	t.regex(result.stdout, /confirmed: The Edge Agent polled Portainer over mutual TLS/);

	const secrets = (await docker(engine.env, ['secret', 'ls', '--format', '{{.Name}}'])).split('\n').filter(Boolean).sort();
	t.deepEqual(secrets, ['portainer-agent.mtlscert', 'portainer-agent.mtlskey', 'portainer.mtlscacert', 'portainer.mtlscert', 'portainer.mtlskey']);
	const services = (await docker(engine.env, ['service', 'ls', '--format', '{{.Name}}'])).split('\n').filter(Boolean).sort();
	t.deepEqual(services, ['portainer', 'portainer_edge_agent']);

	const [server, agent] = JSON.parse(await docker(engine.env, ['service', 'inspect', 'portainer', 'portainer_edge_agent'])) as ServiceSpec[];
	const mounted = (spec: ServiceSpec) => spec.Spec.TaskTemplate.ContainerSpec.Secrets?.map(s => [s.SecretName, s.File.Name]).sort();
	t.deepEqual(mounted(server!), [
		['portainer.mtlscacert', 'portainer.mtlscacert'],
		['portainer.mtlscert', 'portainer.mtlscert'],
		['portainer.mtlskey', 'portainer.mtlskey'],
	]);
	t.deepEqual(mounted(agent!), [
		['portainer-agent.mtlscert', 'portainer.mtlscert'],
		['portainer-agent.mtlskey', 'portainer.mtlskey'],
		['portainer.mtlscacert', 'portainer.mtlscacert'],
	]);
	for (const spec of [server!, agent!]) {
		const args = spec.Spec.TaskTemplate.ContainerSpec.Args ?? [];
		const files = args.filter(arg => arg.startsWith('/run/secrets/'));
		t.is(files.length, 3);
		for (const file of files) t.true(mounted(spec)!.some(([, name]) => `/run/secrets/${name}` === file), file);
	}

	t.true(agent!.Spec.TaskTemplate.ContainerSpec.Env?.includes('EDGE_INSECURE_POLL=0'));
	t.true(agent!.Spec.TaskTemplate.ContainerSpec.Env?.includes('AGENT_CLUSTER_ADDR=tasks.portainer_edge_agent'));
	// Portainer's swarm instructions: a global agent on the overlay network portainer_agent_network with its data volume.
	const networkId = (await docker(engine.env, ['network', 'inspect', '--format', '{{.Id}} {{.Driver}}', 'portainer_agent_network'])).trim().split(' ');
	t.is(networkId[1], 'overlay');
	for (const spec of [server!, agent!]) t.deepEqual(spec.Spec.TaskTemplate.Networks?.map(n => n.Target), [networkId[0]]);
	t.truthy(agent!.Spec.Mode.Global);
	t.like(agent!.Spec.TaskTemplate.ContainerSpec.Mounts?.find(m => m.Target === '/data'), {Type: 'volume', Source: 'portainer_agent_data'});
	t.deepEqual(server!.Spec.TaskTemplate.Placement?.Constraints, ['node.role == manager']);
	t.deepEqual(server!.Spec.EndpointSpec?.Ports?.map(p => [p.TargetPort, p.PublishedPort, p.PublishMode]), [[9443, port, 'host'], [8000, 8000, 'host']]);
	const agentLog = await waitForLog(engine.env, 'portainer_edge_agent', /checkin_interval_seconds=/, 'service');
	t.regex(agentLog, /running in cluster mode/);
	t.regex(agentLog, /cluster joined \| cluster_address=tasks\.portainer_edge_agent/);
	t.deepEqual(agentLogProblems(agentLog), []);
	const certs = join(out, 'certs');
	t.is(await edgeStatus(port, join(certs, 'ca.crt'), {cert: join(certs, 'agent.crt'), key: join(certs, 'agent.key')}), 200);
});
