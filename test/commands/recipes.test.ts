import test from 'ava';
import {runCli} from '../support/run-cli.js';

test('recipes --json lists every recipe with targets and questions', async t => {
	const {exitCode, stdout, stderr} = await runCli(['recipes', '--json']);
	t.is(exitCode, 0, stderr);
	const listing = JSON.parse(stdout) as Array<{id: string; targets: Array<{id: string}>; questions: Array<{id: string; type: string; default?: unknown; required: boolean; secret: boolean; targets: string[]}>}>;
	t.deepEqual(listing.map(r => r.id), ['generic', 'harness-delegate', 'portainer', 'sap-connectivity-proxy', 'steadybit']);
	const steadybit = listing.find(r => r.id === 'steadybit')!;
	t.deepEqual(steadybit.targets.map(target => target.id), ['helm', 'docker', 'bundle']);
	t.deepEqual(steadybit.questions.find(q => q.id === 'namespace'), {
		id: 'namespace',
		prompt: 'Kubernetes namespace of the agent and its extensions',
		type: 'string (k8s-namespace)',
		default: 'steadybit-agent',
		required: true,
		secret: false,
		targets: ['helm', 'bundle'],
	});
	t.like(steadybit.questions.find(q => q.id === 'agentKey'), {secret: true, required: true, targets: ['helm', 'docker']});
	t.false('default' in steadybit.questions.find(q => q.id === 'agentKey')!);
	t.like(listing.find(r => r.id === 'sap-connectivity-proxy')!.questions.find(q => q.id === 'mode'), {type: 'choice (termination|passthrough)', default: 'termination'});
});

test('recipes prints a readable listing', async t => {
	const {exitCode, stdout} = await runCli(['recipes']);
	t.is(exitCode, 0);
	t.regex(stdout, /^portainer — Portainer server ↔ Edge Agent$/m);
	t.regex(stdout, /^ {4}swarm {3}Portainer server and \(with EDGE_ID and EDGE_KEY\) the Edge Agent as Swarm services/m);
	t.regex(stdout, /^ {4}mtlsDomain +string \(dns-name\); required$/m);
	t.regex(stdout, /^ {4}edgeKey +string; optional; secret; targets docker,swarm$/m);
});
