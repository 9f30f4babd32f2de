import test from 'ava';
import {loadRecipe} from '../../source/recipes/load-recipes.js';
import {fullAnswers, ids, outDir, planFor, stepOf} from './plan-for.js';

test('without an agents answer the plan is the single-agent plan it always was', async t => {
	const plan = await planFor('generic', 'kubectl', []);
	t.deepEqual(ids(plan), ['certificates', 'verify-handshake', 'secret-server', 'secret-client', 'mount-secrets']);
	t.like(stepOf(plan, 'secret-client', 'kube-secret'), {name: 'mtls-client', files: [{key: 'tls.crt', path: `${outDir}/certs/client.crt`}, {key: 'tls.key', path: `${outDir}/certs/client.key`}, {key: 'ca.crt', path: `${outDir}/certs/ca.crt`}]});
	t.false(stepOf(plan, 'verify-handshake', 'verify-handshake').clientDir !== undefined);
});

test('a fleet: every agent its own certificate (CN = name, its extra SANs) in agents/<name>/, its own secret, its bundle', async t => {
	const plan = await planFor('generic', 'kubectl', ['agents=edge-{1..3}, lab 10.1.2.3 lab.example.com']);
	t.deepEqual(ids(plan), ['certificates', 'verify-handshake', 'agent-bundles', 'secret-server', 'secret-client-edge-1', 'secret-client-edge-2', 'secret-client-edge-3', 'secret-client-lab', 'mount-secrets']);
	const certificates = stepOf(plan, 'certificates', 'issue-certificates');
	t.is(certificates.title, 'Issue the CA and server, 4 client certificates');
	const clients = certificates.leaves.filter(leaf => leaf.id === 'client');
	t.deepEqual(clients.map(leaf => [leaf.commonName, leaf.dir, leaf.dnsNames, leaf.ipAddresses]), [
		['edge-1', `${outDir}/agents/edge-1`, [], []],
		['edge-2', `${outDir}/agents/edge-2`, [], []],
		['edge-3', `${outDir}/agents/edge-3`, [], []],
		['lab', `${outDir}/agents/lab`, ['lab.example.com'], ['10.1.2.3']],
	]);
	t.is(certificates.leaves.find(leaf => leaf.id === 'server')!.dir, undefined);
	t.like(stepOf(plan, 'verify-handshake', 'verify-handshake'), {client: 'client', clientDir: `${outDir}/agents/edge-1`});
	t.like(stepOf(plan, 'secret-client-lab', 'kube-secret'), {
		name: 'mtls-client-lab',
		files: [{key: 'tls.crt', path: `${outDir}/agents/lab/client.crt`}, {key: 'tls.key', path: `${outDir}/agents/lab/client.key`}, {key: 'ca.crt', path: `${outDir}/certs/ca.crt`}],
	});
	const bundles = stepOf(plan, 'agent-bundles', 'write-files');
	t.deepEqual(bundles.files.map(file => file.path), ['edge-1', 'edge-2', 'edge-3', 'lab'].map(name => `${outDir}/agents/${name}/connect.txt`));
	t.regex(bundles.files[3]!.contents as string, /^Client lab: present client\.crt/);
});

test('Portainer: each Edge device bundle holds its docker run command with the bundle files mounted where the --mtls flags read them', async t => {
	const plan = await planFor('portainer', 'bundle', ['mtlsDomain=portainer.example.com', 'agents=edge-a,edge-b']);
	const bundles = stepOf(plan, 'agent-bundles', 'write-files');
	t.deepEqual(bundles.files.map(file => [file.path, file.mode]), [[`${outDir}/agents/edge-a/docker-run.sh`, 0o755], [`${outDir}/agents/edge-b/docker-run.sh`, 0o755]]);
	const script = bundles.files[0]!.contents as string;
	t.regex(script, /-v "\$PWD\/agent\.crt:\/certs\/client\.crt:ro"/);
	t.regex(script, /-v "\$PWD\/ca\.crt:\/certs\/mtlsca\.crt:ro"/);
	t.regex(script, /-e EDGE=1 -e EDGE_ID -e EDGE_KEY -e EDGE_INSECURE_POLL=0/);
	t.regex(script, /'portainer\/agent:2\.39\.4' --mtlscacert \/certs\/mtlsca\.crt --mtlscert \/certs\/client\.crt --mtlskey \/certs\/client\.key$/m);
	t.notRegex(script, /EDGE_KEY=/, 'the Edge key is never written into a bundle');
});

test('Portainer on swarm: each Edge device its own secrets, global service, EDGE_ID, cluster address, data volume and confirmation', async t => {
	const plan = await planFor('portainer', 'swarm', ['mtlsDomain=portainer.example.com', 'edgeId=site', 'agents=edge-a,edge-b'], {edgeKey: 'EDGE-KEY'});
	t.deepEqual(ids(plan).slice(ids(plan).indexOf('service-portainer') + 1), [
		'secret-agent-mtlscert-edge-a', 'secret-agent-mtlscert-edge-b', 'secret-agent-mtlskey-edge-a', 'secret-agent-mtlskey-edge-b',
		'service-edge-agent-edge-a', 'service-edge-agent-edge-b', 'confirm-server-mtls', 'confirm-edge-agent-edge-a', 'confirm-edge-agent-edge-b',
	]);
	t.like(stepOf(plan, 'secret-agent-mtlskey-edge-b', 'docker-secret'), {name: 'portainer-agent-edge-b.mtlskey', file: `${outDir}/agents/edge-b/agent.key`});
	const service = stepOf(plan, 'service-edge-agent-edge-b', 'swarm-service');
	t.like(service, {service: 'portainer_edge_agent-edge-b', network: 'portainer_agent_network', mode: {kind: 'global'}});
	t.like(service.env, {EDGE_ID: 'site-edge-b', AGENT_CLUSTER_ADDR: 'tasks.portainer_edge_agent-edge-b'});
	t.deepEqual(service.secrets, [
		{source: 'portainer.mtlscacert', target: 'portainer.mtlscacert'},
		{source: 'portainer-agent-edge-b.mtlscert', target: 'portainer.mtlscert'},
		{source: 'portainer-agent-edge-b.mtlskey', target: 'portainer.mtlskey'},
	]);
	t.like(service.mounts?.find(mount => mount.target === '/data'), {source: 'portainer_agent_data-edge-b'});
	t.deepEqual(stepOf(plan, 'confirm-edge-agent-edge-b', 'wait-for-log').source, {kind: 'docker-service', service: 'portainer_edge_agent-edge-b'});
});

test('Portainer on docker: each Edge device its own container with its certificate, EDGE_ID and data volume, and its confirmation', async t => {
	const plan = await planFor('portainer', 'docker', ['mtlsDomain=portainer.example.com', 'edgeId=site', 'agents=edge-a,edge-b'], {edgeKey: 'EDGE-KEY'});
	t.deepEqual(ids(plan), ['certificates', 'verify-handshake', 'agent-bundles', 'run-portainer', 'run-edge-agent-edge-a', 'run-edge-agent-edge-b', 'confirm-server-mtls', 'confirm-edge-agent-edge-a', 'confirm-edge-agent-edge-b']);
	const agent = stepOf(plan, 'run-edge-agent-edge-a', 'docker-run');
	t.like(agent, {container: 'portainer_edge_agent-edge-a', title: 'Run Edge Agent edge-a with its client certificate'});
	t.is(agent.env['EDGE_ID'], 'site-edge-a');
	t.deepEqual(agent.mounts.filter(mount => mount.target === '/data' || mount.target.startsWith('/certs/')).map(mount => [mount.source, mount.target]), [
		['portainer_agent_data-edge-a', '/data'],
		[`${outDir}/certs/ca.crt`, '/certs/mtlsca.crt'],
		[`${outDir}/agents/edge-a/agent.crt`, '/certs/client.crt'],
		[`${outDir}/agents/edge-a/agent.key`, '/certs/client.key'],
	]);
	t.deepEqual(stepOf(plan, 'confirm-edge-agent-edge-b', 'wait-for-log').source, {kind: 'docker-container', container: 'portainer_edge_agent-edge-b'});
});

test('Harness on helm and docker: each delegate <delegateName>-<name> its own certificate, secret or container, release and confirmation', async t => {
	const helm = await planFor('harness-delegate', 'helm', [...fullAnswers['harness-delegate']!.helm!.sets, 'agents=eu,us'], fullAnswers['harness-delegate']!.helm!.secrets);
	t.deepEqual(ids(helm).filter(id => /-(eu|us)$/.test(id)), [
		'secret-client-certificate-eu', 'secret-client-certificate-us', 'helm-harness-delegate-values-eu', 'helm-harness-delegate-eu', 'helm-harness-delegate-values-us', 'helm-harness-delegate-us',
		'confirm-delegate-eu', 'confirm-delegate-us',
	]);
	t.like(stepOf(helm, 'secret-client-certificate-us', 'kube-secret'), {name: 'client-certificate-us', files: [{key: 'client.crt', path: `${outDir}/agents/us/client.crt`}, {key: 'client.key', path: `${outDir}/agents/us/client.key`}]});
	const release = stepOf(helm, 'helm-harness-delegate-us', 'helm-release');
	t.like(release, {release: 'helm-delegate-us', valuesFile: `${outDir}/values/harness-delegate-us.yaml`});
	const values = stepOf(helm, 'helm-harness-delegate-values-us', 'write-files').files[0]!;
	t.is(values.path, `${outDir}/values/harness-delegate-us.yaml`);
	t.like((values.contents as {yaml: object}).yaml, {delegateName: 'helm-delegate-us', mTLS: {secretName: 'client-certificate-us'}});
	t.like(stepOf(helm, 'confirm-delegate-us', 'wait-for-log').source, {resource: 'deployment/helm-delegate-us'});

	const docker = await planFor('harness-delegate', 'docker', [...fullAnswers['harness-delegate']!.docker!.sets, 'agents=eu,us'], fullAnswers['harness-delegate']!.docker!.secrets);
	const run = stepOf(docker, 'run-delegate-eu', 'docker-run');
	t.like(run, {container: 'docker-delegate-eu'});
	t.is(run.env['DELEGATE_NAME'], 'docker-delegate-eu');
	t.deepEqual(run.mounts.map(mount => [mount.source, mount.target]), [[`${outDir}/agents/eu/client.crt`, '/etc/mtls/client.crt'], [`${outDir}/agents/eu/client.key`, '/etc/mtls/client.key']]);
	t.deepEqual(stepOf(docker, 'confirm-delegate-us', 'wait-for-log').source, {kind: 'docker-container', container: 'docker-delegate-us'});
	const bundle = stepOf(docker, 'agent-bundles', 'write-files');
	t.regex(bundle.files[1]!.contents as string, /^kubectl create secret -n <namespace> generic client-certificate-us --from-file=client\.crt=client\.crt --from-file=client\.key=client\.key$/m);
});

test('Harness on kubectl takes no fleet: it patches the one delegate manifest you downloaded, so --set agents is not asked there', async t => {
	const {questionsFor} = await import('../../source/recipes/recipe-targets.js');
	const recipe = await loadRecipe('harness-delegate');
	t.false(questionsFor(recipe, 'kubectl').some(question => question.id === 'agents'));
	t.true(['helm', 'docker', 'bundle'].every(target => questionsFor(recipe, target as 'helm').some(question => question.id === 'agents')));
});

test('bad agents answers name --set agents, the value and the fix', async t => {
	for (const [value, pattern] of [
		['Edge_1', /^--set agents: "Edge_1" is not an agent name\. Use lowercase letters/],
		['a,b,a', /^--set agents: "a" names the same agent/],
		['a bad..name', /^--set agents \(agent a\): "bad\.\.name"/],
		['e-{5..1}', /^--set agents: "e-\{5\.\.1\}" is not a range of 1 to 10000 agents/],
	] as const) {
		const error = await t.throwsAsync(planFor('generic', 'bundle', [`agents=${value}`]));
		t.regex(error.message, pattern, value);
	}
});

test('the schema refuses forEachAgent in a recipe without an agents section, and an agents leaf that is not a client', async t => {
	const {recipeSchema} = await import('../../source/recipes/recipe-schema.js');
	const recipe = await loadRecipe('generic');
	const {file: _file, digest: _digest, ...data} = recipe;
	const withoutAgents = {...data, agents: undefined};
	const noAgents = recipeSchema.safeParse(withoutAgents);
	t.false(noAgents.success);
	t.regex(JSON.stringify(noAgents.error?.issues), /needs an agents section/);
	const serverLeaf = recipeSchema.safeParse({...data, agents: {...data.agents!, leaf: 'server'}});
	t.false(serverLeaf.success);
	t.regex(JSON.stringify(serverLeaf.error?.issues), /expected a client leaf of certificates \(client\)/);
});

test('--context three times: the certificates once, then the same deployment and confirmation in each context, ids and titles naming it', async t => {
	const {buildPlan} = await import('../../source/plan/build-plan.js');
	const {collectAnswers} = await import('../../source/recipes/collect-answers.js');
	const recipe = await loadRecipe('steadybit');
	const collected = await collectAnswers(recipe, 'helm', {sets: ['clusterName=prod-eu'], env: {MTLS_WIZARD_ANSWER_AGENT_KEY: 'k', MTLS_WIZARD_ANSWER_AGENT_KEY_PASSPHRASE: 'p'}});
	const contexts = ['eu', 'us', 'ap'];
	const plan = buildPlan(recipe, 'helm', collected.answers, {outDir, secretAnswerIds: Object.keys(collected.secrets), contexts});
	const single = buildPlan(recipe, 'helm', collected.answers, {outDir, secretAnswerIds: Object.keys(collected.secrets)});
	const deploying = single.steps.filter(step => step.id !== 'certificates' && step.id !== 'verify-handshake');
	t.deepEqual(ids(plan), ['certificates', 'verify-handshake', ...contexts.flatMap(context => deploying.map(step => `${step.id}@${context}`))]);
	for (const context of contexts) {
		for (const step of plan.steps.filter(s => s.id.endsWith(`@${context}`))) {
			t.true(step.title.endsWith(`(context ${context})`), step.title);
			if ('namespace' in step) t.is(step.context, context, step.id);
			if (step.kind === 'wait-for-log' && step.source.kind === 'kubectl') t.is(step.source.context, context, step.id);
		}
	}

	const error = t.throws(() => buildPlan(recipe, 'docker', collected.answers, {outDir, contexts: ['a', 'b']}));
	t.regex(error.message, /^--context: given 2 times, but --target docker deploys to no Kubernetes context/);
});

test('every recipe and target that takes a fleet titles each step of it differently: the dry run and the run screen tell the agents apart', async t => {
	let fleets = 0;
	for (const [recipeId, targets] of Object.entries(fullAnswers)) {
		const recipe = await loadRecipe(recipeId);
		for (const [target, given] of Object.entries(targets)) {
			// Harness on kubectl patches one downloaded manifest: it takes no fleet (above).
			if (!recipe.agents || (recipeId === 'harness-delegate' && target === 'kubectl')) continue;
			const plan = await planFor(recipeId, target as keyof typeof targets, [...given.sets, 'agents=east,west'], given.secrets);
			const titles = plan.steps.map(step => step.title);
			t.deepEqual(titles.filter((title, index) => titles.indexOf(title) !== index), [], `${recipeId} --target ${target}`);
			fleets++;
		}
	}

	t.true(fleets >= 8, `${fleets} fleet plans checked`);
});
