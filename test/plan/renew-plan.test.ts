import test from 'ava';
import {renewPlan} from '../../source/plan/renew-plan.js';
import {formatPlan} from '../../source/render/print-plan.js';
import type {Renewal} from '../../source/plan/types.js';
import {fullAnswers, ids, outDir, pki, planFor, stepOf} from './plan-for.js';

const renewal: Renewal = {of: '20261202-010000-abcd', reuseKeys: false, version: '20261202T013000'};
const caDir = '/srv/mtls/certs';

async function base(recipe: string, target: 'helm' | 'kubectl' | 'docker' | 'swarm') {
	const answers = fullAnswers[recipe]![target]!;
	return planFor(recipe, target, answers.sets, answers.secrets);
}

test('renew keeps the CA (read from the session, also for an export built elsewhere) and re-issues every leaf', async t => {
	const plan = renewPlan(await base('portainer', 'docker'), renewal, caDir);
	const issue = stepOf(plan, 'renew-certificates', 'issue-certificates');
	t.deepEqual(issue.ca, {mode: 'import', certPath: pki('ca.crt'), keyPath: pki('ca.key')});
	t.deepEqual(issue.renew, {reuseKeys: false});
	t.deepEqual(issue.leaves.map(l => l.id), ['server', 'agent']);
	t.is(ids(plan)[1], 'verify-handshake', 'the renewed pair is proved before anything is deployed');
	t.deepEqual(plan.renewal, renewal);
	t.true(ids(plan).includes('run-portainer'), 'docker: the container is re-created');
	t.true(ids(plan).includes('confirm-server-mtls'), 'and confirmed again');
});

test('renew on kubectl restarts the rolled-out workload after applying; on helm it restarts the release\'s workloads', async t => {
	const kubectl = renewPlan(await base('harness-delegate', 'kubectl'), renewal, caDir);
	const applyAt = kubectl.steps.findIndex(s => s.kind === 'kubectl-apply');
	const restart = kubectl.steps[applyAt + 1];
	t.like(restart, {kind: 'kube-restart', resource: 'deployment/kubernetes-delegate', namespace: 'harness-delegate-ng'});
	t.regex(formatPlan(kubectl), /\$ kubectl rollout restart deployment\/kubernetes-delegate -n harness-delegate-ng\n.*\n\s+\$ kubectl rollout status deployment\/kubernetes-delegate -n harness-delegate-ng --timeout=\d+s/);
	const helm = renewPlan(await base('portainer', 'helm'), renewal, caDir);
	const release = helm.steps.find(s => s.kind === 'helm-release')!;
	t.like(helm.steps[helm.steps.indexOf(release) + 1], {kind: 'kube-restart', resource: 'deployment,statefulset,daemonset', selector: 'app.kubernetes.io/instance=portainer'});
});

test('renew on swarm creates versioned secrets for the leaves only and swaps them into the services that mount them', async t => {
	const plan = renewPlan(await base('portainer', 'swarm'), renewal, caDir);
	const secrets = plan.steps.flatMap(s => (s.kind === 'docker-secret' ? [s.name] : []));
	t.deepEqual(secrets, ['portainer.mtlscert.20261202T013000', 'portainer.mtlskey.20261202T013000', 'portainer-agent.mtlscert.20261202T013000', 'portainer-agent.mtlskey.20261202T013000']);
	t.false(plan.steps.some(s => s.kind === 'swarm-service' || s.kind === 'docker-network'), 'services are updated, not re-created');
	const swap = stepOf(plan, 'swap-service-portainer', 'swarm-secret-swap');
	t.deepEqual(swap.swaps, [
		{source: 'portainer.mtlscert.20261202T013000', target: 'portainer.mtlscert'},
		{source: 'portainer.mtlskey.20261202T013000', target: 'portainer.mtlskey'},
	]);
	t.like(stepOf(plan, 'confirm-edge-agent', 'wait-for-log'), {newLinesOnly: true}, 'only what the updated service\'s new tasks log confirms the renewal');
	t.regex(formatPlan(plan), /\$ docker service update --secret-rm '<the secret mounted at portainer.mtlscert now>' --secret-add source=portainer.mtlscert.20261202T013000,target=portainer.mtlscert/);
});

test('renew of a swarm fleet re-issues every device\'s certificate and swaps its renewed secrets into its own service', async t => {
	const fleet = await planFor('portainer', 'swarm', ['mtlsDomain=portainer.example.com', 'edgeId=site', 'agents=edge-a,edge-b'], {edgeKey: 'EDGE-KEY'});
	const plan = renewPlan(fleet, renewal, caDir);
	t.is(stepOf(plan, 'renew-certificates', 'issue-certificates').title, 'Re-issue the server, 2 agent certificates from the same CA, with new keys');
	t.deepEqual(stepOf(plan, 'swap-service-edge-agent-edge-b', 'swarm-secret-swap').swaps, [
		{source: 'portainer-agent-edge-b.mtlscert.20261202T013000', target: 'portainer.mtlscert'},
		{source: 'portainer-agent-edge-b.mtlskey.20261202T013000', target: 'portainer.mtlskey'},
	]);
	t.like(stepOf(plan, 'secret-agent-mtlskey-edge-b', 'docker-secret'), {name: 'portainer-agent-edge-b.mtlskey.20261202T013000', file: `${outDir}/agents/edge-b/agent.key`});
});

test('a renewal bundle names renew, not run, as the command that writes it (a run would issue a new CA)', async t => {
	const {headlessCommand, commandLine} = await import('../../source/plan/headless-command.js');
	const {loadRecipe} = await import('../../source/recipes/load-recipes.js');
	const plan = renewPlan(await base('portainer', 'docker'), {...renewal, reuseKeys: true}, caDir);
	t.is(commandLine(headlessCommand(await loadRecipe('portainer'), plan, {export: './bundle'})), 'mtls-wizard renew 20261202-010000-abcd --reuse-keys --export ./bundle');
});

test('built for an export, --reuse-keys carries each leaf key from the deployment into the bundle (a fleet\'s from each agent\'s directory); new keys carry nothing', async t => {
	const bundle = '/build/bundle';
	const {buildPlan} = await import('../../source/plan/build-plan.js');
	const {loadRecipe} = await import('../../source/recipes/load-recipes.js');
	const fleet = await planFor('portainer', 'swarm', ['mtlsDomain=portainer.example.com', 'edgeId=site', 'agents=edge-a,edge-b'], {edgeKey: 'EDGE-KEY'});
	const inBundle = buildPlan(await loadRecipe('portainer'), 'swarm', fleet.answers, {outDir: bundle, secretAnswerIds: fleet.secretAnswers});
	t.deepEqual(renewPlan(inBundle, {...renewal, reuseKeys: true}, caDir, outDir).carried, [
		{from: pki('server.key'), to: `${bundle}/certs/server.key`},
		{from: `${outDir}/agents/edge-a/agent.key`, to: `${bundle}/agents/edge-a/agent.key`},
		{from: `${outDir}/agents/edge-b/agent.key`, to: `${bundle}/agents/edge-b/agent.key`},
	]);
	t.is(renewPlan(inBundle, renewal, caDir, outDir).carried, undefined);
	t.is(renewPlan(fleet, {...renewal, reuseKeys: true}, caDir).carried, undefined, 'renewed in place, the keys are where they are');
});
