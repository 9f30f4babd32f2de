import test from 'ava';
import {certificateCopies} from '../../source/plan/certificate-copies.js';
import {outDir, planFor, stepOf} from './plan-for.js';

test('a swarm fleet: each agent certificate is read from its own agents/<name>/ and found in its own fingerprint-labelled secret', async t => {
	const plan = await planFor('portainer', 'swarm', ['mtlsDomain=portainer.example.com', 'edgeId=site', 'agents=edge-a,edge-b'], {edgeKey: 'EDGE-KEY'});
	const copies = certificateCopies(plan);
	t.deepEqual(copies.map(entry => [entry.id, entry.file]), [
		['ca', `${outDir}/certs/ca.crt`],
		['server', `${outDir}/certs/server.crt`],
		['agent edge-a', `${outDir}/agents/edge-a/agent.crt`],
		['agent edge-b', `${outDir}/agents/edge-b/agent.crt`],
	]);
	t.deepEqual(copies[3]!.copies, [{kind: 'docker-secret', stepId: 'secret-agent-mtlscert-edge-b', secret: 'portainer-agent-edge-b.mtlscert'}]);
	t.true(stepOf(plan, 'secret-agent-mtlscert-edge-b', 'docker-secret').labelFingerprint);
	t.falsy(stepOf(plan, 'secret-agent-mtlskey-edge-b', 'docker-secret').labelFingerprint, 'keys carry no fingerprint');
});

test('a single agent keeps its certificate in certs/ under its leaf id', async t => {
	const plan = await planFor('portainer', 'swarm', ['mtlsDomain=portainer.example.com', 'edgeId=site'], {edgeKey: 'EDGE-KEY'});
	t.deepEqual(certificateCopies(plan).map(entry => [entry.id, entry.file]), [
		['ca', `${outDir}/certs/ca.crt`],
		['server', `${outDir}/certs/server.crt`],
		['agent', `${outDir}/certs/agent.crt`],
	]);
});

test('docker: the Edge Agent\'s certificate is read back where its flags read it; its mount of the host root is no copy of it', async t => {
	const plan = await planFor('portainer', 'docker', ['mtlsDomain=portainer.example.com', 'edgeId=site'], {edgeKey: 'EDGE-KEY'});
	const agent = certificateCopies(plan).find(entry => entry.id === 'agent')!;
	t.deepEqual(
		agent.copies.map(copy => (copy.kind === 'container-file' ? `${copy.container}:${copy.path}` : copy.kind)),
		['portainer_edge_agent:/certs/client.crt'],
	);
	t.true(stepOf(plan, 'run-edge-agent', 'docker-run').mounts.some(mount => mount.source === '/' && mount.target === '/host'), 'the agent does mount the host root');
});
