import {X509Certificate} from 'node:crypto';
import {mkdir, readdir, readFile, rename} from 'node:fs/promises';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {docker, freePort, httpsGetInNamespace, initSwarm, inNamespace, runCommand} from '../../support/private-docker.js';
import {buildStandInImage} from '../../support/stand-in-image.js';
import {logsOf, privateEngineForFile, shown, waitForLog, type DockerE2e} from './support/docker-e2e.js';
import {followLogs, type FollowedSoFar, type LogFollower} from './support/follow-logs.js';
import {portainerRunArgs, type PortainerImages} from './support/portainer-deploy.js';

let images: PortainerImages;

const setup = privateEngineForFile('rotate-ca', async e2e => {
	const [server, agent] = await Promise.all([buildStandInImage(e2e.engine.env, 'portainer-server'), buildStandInImage(e2e.engine.env, 'portainer-agent')]);
	images = {server, agent};
});

const mtlsDomain = 'portainer.test';

/** The Edge key Portainer's UI generates: base64 of `url|tunnelAddr|fingerprint|endpointId`. */
function edgeKey(port: number): string {
	return Buffer.from(`https://${mtlsDomain}:${port}|${mtlsDomain}:8000|stand-in-fingerprint|1`).toString('base64');
}

/**
 * A poll the Edge Agent logs as failed for a TLS reason (its certificate or the server's refused) or refused by the
 * server once through: a refused connection. A poll that finds the server restarting (connection refused, EOF)
 * is not: the restart of a single server is not what a CA rotation can avoid.
 */
const refusedPoll = /an error occured during short poll.*(tls:|x509|certificate)|poll request failure/;
const goodPoll = /checkin_interval_seconds=/;

/**
 * A poll refused while the containers are followed, in the words of whoever refused it: the agent refuses a server
 * certificate it does not trust and logs Portainer's 403s; Portainer logs each client certificate it refuses (but
 * for the stranger certificate of the run's own probes, source/pki/stranger-client.ts, refused on purpose). The
 * agent's "bad certificate" alone is not counted: the stand-in infers it from a connection closed after the
 * handshake, which is also what an agent sees whose poll was in flight when a phase replaced the server.
 */
const refusedByAgent = /an error occured during short poll.*(failed to verify certificate|x509)|poll request failure/;
const refusedByServer = /stand-in: client certificate refused \| client_cn=(?!stranger )/;

/** The id of the container named `name` running now (rotate-ca replaces Portainer and its agent in each phase). */
async function running(e2e: DockerE2e, name: string): Promise<string> {
	return (await docker(e2e.engine.env, ['container', 'inspect', '--format', '{{.Id}}', name])).trim();
}

/**
 * Whether a follower has read all the checks after it look at: in the log of the container running now, a line
 * matching `reached` (what the rotation's end has caused), and to its end the log of every container the rotation
 * replaced, refusals and all.
 */
function readThrough(seen: FollowedSoFar, runningNow: string, reached: RegExp): boolean {
	return seen.lines.some(entry => entry.container === runningNow && reached.test(entry.line)) && seen.started.every(container => container === runningNow || seen.ended.has(container));
}

/** Waits until both followers have read through the rotation (see readThrough), then stops them. */
async function readRotation(e2e: DockerE2e, followers: {agent: LogFollower; server: LogFollower}, agentDone: (seen: FollowedSoFar) => boolean, what: string): Promise<void> {
	const [agent, server] = [await running(e2e, 'portainer_edge_agent'), await running(e2e, 'portainer')];
	await followers.agent.until(seen => agentDone(seen) && readThrough(seen, agent, goodPoll), `${what}, each replaced agent's log read to its end`);
	// The agent's poll reached this server, which names the first poll of each certificate it accepts.
	await followers.server.until(seen => readThrough(seen, server, /stand-in: edge poll over mutual TLS/), 'the running Portainer to log the agent\'s poll, each replaced one\'s log read to its end');
	followers.agent.stop();
	followers.server.stop();
}

/** What both followers hold that says a poll was refused (see refusedByAgent). */
function refusals(followers: {agent: LogFollower; server: LogFollower}): string[] {
	return [...followers.agent.lines().filter(entry => refusedByAgent.test(entry.line)), ...followers.server.lines().filter(entry => refusedByServer.test(entry.line))].map(entry => entry.line);
}

/** Follows Portainer's and its agent's containers from now on, stopped when the test ends. */
function followRotation(t: ExecutionContext, e2e: DockerE2e): {agent: LogFollower; server: LogFollower} {
	const since = new Date();
	const followers = {agent: followLogs(e2e.engine.env, 'portainer_edge_agent', since), server: followLogs(e2e.engine.env, 'portainer', since)};
	t.teardown(() => {
		followers.agent.stop();
		followers.server.stop();
	});
	return followers;
}

/** Portainer and its Edge Agent deployed with their Edge key: the agent polls all through the rotation. */
async function deployWithAgent(e2e: DockerE2e, target: 'docker' | 'swarm', name: string): Promise<{out: string; env: NodeJS.ProcessEnv; port: number}> {
	if (target === 'swarm') await initSwarm(e2e.engine.env);
	const port = await freePort();
	const out = join(e2e.work, name);
	const env = e2e.cliEnv(name, {MTLS_WIZARD_ANSWER_EDGE_KEY: edgeKey(port)});
	const deployed = await e2e.wizard(portainerRunArgs(e2e, images, target, out, port, ['--set', 'edgeId=edge-1', '--set', `dockerVolumesDir=${e2e.volumesDir}`]), env);
	if (deployed.exitCode !== 0) throw new Error(shown(deployed));
	return {out, env, port};
}

/** The certificates each probe saw the server present, in the order of the run's probes. */
function servedFingerprints(stdout: string): string[] {
	return [...stdout.matchAll(/server certificate SHA-256 ([0-9A-F:]{95})/g)].map(match => match[1]!);
}

async function fingerprint(file: string): Promise<string> {
	return new X509Certificate(await readFile(file)).fingerprint256;
}

async function rotationDir(out: string): Promise<string> {
	const [version] = await readdir(join(out, 'rotate-ca'));
	return join(out, 'rotate-ca', version!);
}

/** GET the edge status over mutual TLS from inside the engine's namespace: a status, or the refusal's error. */
async function edgeStatus(port: number, files: {ca: string; cert: string; key: string}): Promise<number | string> {
	const answer = await httpsGetInNamespace(setup().engine.netns, {url: `https://127.0.0.1:${port}/api/endpoints/1/edge/status`, servername: mtlsDomain, ...files});
	return answer.status ?? `refused: ${answer.error ?? 'no answer'}`;
}

test.serial('docker: rotate-ca moves Portainer and its Edge Agent to a new CA in three confirmed phases, and the agent, polling all along, is never refused', async t => {
	const e2e = setup();
	const {out, env, port} = await deployWithAgent(e2e, 'docker', 'docker');
	const old = {ca: join(out, 'certs', 'ca.crt'), cert: join(out, 'certs', 'agent.crt'), key: join(out, 'certs', 'agent.key')};
	t.is(await edgeStatus(port, old), 200, 'before the rotation the old agent certificate gets through');

	const followers = followRotation(t, e2e);
	const rotated = await e2e.wizard(['rotate-ca', '--yes'], env);
	t.is(rotated.exitCode, 0, shown(rotated));
	// The run confirmed each phase's agent from a `docker logs` of its own; the followers read the same lines later.
	await readRotation(e2e, followers, seen => seen.started.length >= 3 && seen.started.every(container => seen.lines.some(entry => entry.container === container && goodPoll.test(entry.line))), 'a successful poll of the agent of every phase (at least 3 containers)');

	const dir = await rotationDir(out);
	const [oldServer, newServer] = [await fingerprint(join(out, 'certs', 'server.crt')), await fingerprint(join(dir, 'certs', 'server.crt'))];
	t.deepEqual(servedFingerprints(rotated.stdout), [oldServer, newServer, newServer], 'phase 1 still serves the old certificate; phases 2 and 3 the new one');
	t.is((rotated.stdout.match(/confirmed: The Edge Agent polled Portainer over mutual TLS/g) ?? []).length, 3, 'each phase is confirmed by the agent\'s poll');

	t.deepEqual(refusals(followers), [], 'no poll was refused during the rotation');

	const now = {ca: join(dir, 'certs', 'ca.crt'), cert: join(dir, 'certs', 'agent.crt'), key: join(dir, 'certs', 'agent.key')};
	t.is(await edgeStatus(port, now), 200);
	t.regex(String(await edgeStatus(port, {...old, ca: now.ca})), /^refused/, 'the old agent certificate is refused once the old CA is dropped');

	const status = await e2e.wizard(['status'], env);
	t.is(status.exitCode, 0, shown(status));
	t.true(status.stdout.includes(`SHA-256 ${newServer}`), 'status reports the certificates the rotation ends with');
	t.regex(status.stdout, /container portainer:\/certs\/mtlsca\.crt: match/);

	// The same count catches a refusal: an agent still on the old PKI polls the rotated server.
	await docker(e2e.engine.env, [
		'run', '-d', '--name', 'stale-agent',
		'-v', `${old.ca}:/certs/mtlsca.crt:ro`, '-v', `${old.cert}:/certs/client.crt:ro`, '-v', `${old.key}:/certs/client.key:ro`,
		'-e', 'EDGE=1', '-e', 'EDGE_ID=edge-1', '-e', `EDGE_KEY=${edgeKey(port)}`, '-e', 'EDGE_INSECURE_POLL=0', '-e', 'LOG_LEVEL=DEBUG', '-e', 'LOG_MODE=NOCOLOR',
		images.agent, '--mtlscacert', '/certs/mtlsca.crt', '--mtlscert', '/certs/client.crt', '--mtlskey', '/certs/client.key',
	]);
	const stale = await waitForLog(e2e.engine.env, 'stale-agent', /an error occured during short poll/);
	t.regex(stale, refusedPoll, await logsOf(e2e.engine.env, 'stale-agent'));
});

test.serial('swarm: rotate-ca swaps a new secret into the services in each phase; the Edge Agent service is never refused, and the old certificates end refused', async t => {
	const e2e = setup();
	// The tests after this one run plain containers: an Edge Agent on a swarm node would run in cluster mode.
	t.teardown(async () => docker(e2e.engine.env, ['swarm', 'leave', '--force']));
	const {out, env, port} = await deployWithAgent(e2e, 'swarm', 'swarm');
	const rotated = await e2e.wizard(['rotate-ca', '--yes'], env);
	t.is(rotated.exitCode, 0, shown(rotated));
	const dir = await rotationDir(out);
	const version = dir.split('/').at(-1)!;

	const mounted = async (service: string) => {
		const secrets = JSON.parse(await docker(e2e.engine.env, ['service', 'inspect', '--format', '{{json .Spec.TaskTemplate.ContainerSpec.Secrets}}', service])) as Array<{SecretName: string; File: {Name: string}}>;
		return Object.fromEntries(secrets.map(secret => [secret.File.Name, secret.SecretName]));
	};

	t.deepEqual(await mounted('portainer'), {'portainer.mtlscacert': `portainer.mtlscacert.${version}-3`, 'portainer.mtlscert': `portainer.mtlscert.${version}-2`, 'portainer.mtlskey': `portainer.mtlskey.${version}-2`});
	t.deepEqual(await mounted('portainer_edge_agent'), {'portainer.mtlscacert': `portainer.mtlscacert.${version}-3`, 'portainer.mtlscert': `portainer-agent.mtlscert.${version}-2`, 'portainer.mtlskey': `portainer-agent.mtlskey.${version}-2`});

	// A swarm keeps the tasks an update replaced (and their logs): every agent task of the rotation is in the service's log.
	const logs = (await logsOf(e2e.engine.env, 'portainer_edge_agent', 'service')).split('\n');
	t.true(logs.filter(line => goodPoll.test(line)).length >= 4, 'the agent polled in every phase');
	// Refusals as for the followed containers (see refusedByAgent): a task the update replaced mid-poll is no refusal.
	const serverLogs = (await logsOf(e2e.engine.env, 'portainer', 'service')).split('\n');
	t.deepEqual([...logs.filter(line => refusedByAgent.test(line)), ...serverLogs.filter(line => refusedByServer.test(line))], [], 'no poll was refused during the rotation');
	const tasks = (await docker(e2e.engine.env, ['service', 'ps', '--format', '{{.ID}}', 'portainer_edge_agent'])).split('\n').filter(Boolean);
	t.is(tasks.length, 4, 'the deployment\'s task and one per phase: the log covers the whole rotation');

	const now = {ca: join(dir, 'certs', 'ca.crt'), cert: join(dir, 'certs', 'agent.crt'), key: join(dir, 'certs', 'agent.key')};
	t.is(await edgeStatus(port, now), 200);
	t.regex(String(await edgeStatus(port, {...now, cert: join(out, 'certs', 'agent.crt'), key: join(out, 'certs', 'agent.key')})), /^refused/);
	const status = await e2e.wizard(['status'], env);
	t.is(status.exitCode, 0, shown(status));
	t.true(status.stdout.includes(`docker secret portainer.mtlscacert.${version}-3: match`), status.stdout);
});

test.serial('docker: --exclude-agent leaves a lost device out; it gets through while --keep-old-ca keeps both CAs, and after --drop-old-ca a real TLS client with its old certificate is refused while the kept device gets through', async t => {
	const e2e = setup();
	const port = await freePort();
	const out = join(e2e.work, 'fleet');
	const env = e2e.cliEnv('fleet');
	const deployed = await e2e.wizard(portainerRunArgs(e2e, images, 'docker', out, port, ['--set', 'agents=edge-1,edge-2']), env);
	t.is(deployed.exitCode, 0, shown(deployed));
	const lost = {ca: join(out, 'agents', 'edge-2', 'ca.crt'), cert: join(out, 'agents', 'edge-2', 'agent.crt'), key: join(out, 'agents', 'edge-2', 'agent.key')};
	t.is(await edgeStatus(port, lost), 200, 'before the rotation the lost device still gets through');

	// Phases 1 and 2 only: both CAs stay trusted while the devices take their new bundles.
	const rotated = await e2e.wizard(['rotate-ca', '--exclude-agent', 'edge-2', '--keep-old-ca', '--yes'], env);
	t.is(rotated.exitCode, 0, shown(rotated));
	const dir = await rotationDir(out);
	t.deepEqual(await readdir(join(dir, 'agents')), ['edge-1']);
	const kept = {ca: join(dir, 'agents', 'edge-1', 'ca.crt'), cert: join(dir, 'agents', 'edge-1', 'agent.crt'), key: join(dir, 'agents', 'edge-1', 'agent.key')};
	t.is(await edgeStatus(port, kept), 200);
	t.is(await edgeStatus(port, {...lost, ca: kept.ca}), 200, 'until the old CA is dropped, the old certificates still get through');

	const dropped = await e2e.wizard(['rotate-ca', '--drop-old-ca', '--yes'], env);
	t.is(dropped.exitCode, 0, shown(dropped));
	t.is(await edgeStatus(port, kept), 200);
	t.regex(String(await edgeStatus(port, {...lost, ca: kept.ca})), /^refused/, 'the products check no CRL: leaving the device out of the new CA is what revokes it');
});

/** The lines of files under dir that hold needle, each as `file: line`. */
async function linesHolding(dir: string, needle: string): Promise<string[]> {
	const holding: string[] = [];
	for (const entry of await readdir(dir, {withFileTypes: true, recursive: true})) {
		const path = join(entry.parentPath, entry.name);
		if (!entry.isFile()) continue;
		for (const line of (await readFile(path, 'utf8')).split('\n')) if (line.includes(needle)) holding.push(`${path.slice(dir.length + 1)}: ${line}`);
	}

	return holding.sort();
}

test.serial('docker: a rotate-ca --export bundle moved elsewhere, with the deployment\'s directory gone, moves Portainer and its Edge Agent to the new CA through its apply.sh', async t => {
	const e2e = setup();
	const {out, env, port} = await deployWithAgent(e2e, 'docker', 'exported');
	const written = join(e2e.work, 'rotation-bundle');
	const exported = await e2e.wizard(['rotate-ca', '--export', written], env);
	t.is(exported.exitCode, 0, shown(exported));
	t.is(await edgeStatus(port, {ca: join(out, 'certs', 'ca.crt'), cert: join(out, 'certs', 'agent.crt'), key: join(out, 'certs', 'agent.key')}), 200, 'the export changed nothing deployed');

	// Moved to another place, and the deployment's own directory (its old PKI) out of the way: the bundle alone must do.
	const moved = join(e2e.work, 'elsewhere', 'bundle');
	await mkdir(join(e2e.work, 'elsewhere'));
	await rename(written, moved);
	await rename(out, `${out}-moved-away`);
	t.deepEqual(await linesHolding(moved, out), [], 'no file of the bundle names the deployment\'s directory');
	// Where it was written is named only in the command that writes it again: a path the user gives.
	const commandLines = (await linesHolding(moved, written)).filter(line => !line.includes(`--export ${written}`));
	t.deepEqual(commandLines, [], 'nor where the bundle was written, but in the command that writes it');

	const followers = followRotation(t, e2e);
	const [file, args] = inNamespace(e2e.engine.netns, '/bin/bash', [join(moved, 'apply.sh')]);
	const applied = await runCommand(file, args, {env: {...e2e.engine.env, EDGE_KEY: edgeKey(port)}, timeoutMs: 240_000});
	t.is(applied.exitCode, 0, `${applied.stdout}\n${applied.stderr}`);
	// apply.sh does not wait between phases: an agent it replaces at once may be gone before it logged a line, or
	// before the follower attached, so the agent of every phase counts by its start, and only the last must have polled.
	await readRotation(e2e, followers, seen => seen.started.length >= 3, 'the agent of every phase started (at least 3 containers), the last one polled');
	t.deepEqual(refusals(followers), [], 'no poll was refused during the rotation');

	const now = {ca: join(moved, 'certs', 'ca.crt'), cert: join(moved, 'certs', 'agent.crt'), key: join(moved, 'certs', 'agent.key')};
	t.is(await edgeStatus(port, now), 200, 'the new agent certificate gets through');
	t.regex(String(await edgeStatus(port, {...now, cert: join(moved, 'deployed', 'certs', 'agent.crt'), key: join(moved, 'deployed', 'certs', 'agent.key')})), /^refused/, 'the old one is refused once the old CA is dropped');
});
