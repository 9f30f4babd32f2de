import {fileURLToPath} from 'node:url';
import test from 'ava';
import {UsageError} from '../../source/errors.js';
import {buildPlan} from '../../source/plan/build-plan.js';
import {formatPlan} from '../../source/render/print-plan.js';
import type {TargetId} from '../../source/plan/types.js';
import {loadRecipe} from '../../source/recipes/load-recipes.js';
import {stepOf} from './plan-for.js';

const dir = fileURLToPath(new URL('../fixtures/recipes-docker-networks/', import.meta.url));
const invoker = {uid: 1234, gid: 5678};

async function plan(target: TargetId, answers: Record<string, string> = {}, withInvoker = true) {
	const recipe = await loadRecipe('networks', dir);
	return buildPlan(recipe, target, {network: 'mesh', publishMode: 'ingress', ...answers}, {outDir: '/srv/out', ...(withInvoker ? {invoker} : {})});
}

test('docker: the network is created first, alongside the certificates; the container joins it under its alias, with ports and the invoking user', async t => {
	const docker = await plan('docker');
	t.deepEqual(stepOf(docker, 'network', 'docker-network'), {id: 'network', title: 'Create the network', kind: 'docker-network', name: 'mesh', driver: 'bridge', attachable: false, alongsidePrevious: true});
	const server = stepOf(docker, 'run-server', 'docker-run');
	t.like(server, {network: 'mesh', networkAliases: ['server.mesh'], ports: [{published: 9443, target: 8443, hostIp: '127.0.0.1'}], user: '1234:5678', userInScript: '"$(id -u):$(id -g)"'});
	const plain = stepOf(docker, 'run-plain', 'docker-run');
	t.like(plain, {network: 'bridge', networkAliases: [], ports: []});
	t.false('user' in plain || 'userInScript' in plain);
	t.deepEqual(stepOf(docker, 'probe-server', 'tls-probe').hostFrom, {dockerContainer: 'server', network: 'mesh'});
});

test('dry-run prints the invoking user\'s numbers, the inspect-then-create pair and the address lookup', async t => {
	const printed = formatPlan(await plan('docker'));
	t.regex(printed, /\$ docker network inspect --format '\{\{\.Driver\}\}' mesh {3}# exit 1 also counts as success/);
	t.regex(printed, /# Only when the inspect above found no network mesh: an existing one is left as it is, so re-runs are safe\.\n {3}\$ docker network create --driver bridge mesh\n/);
	t.regex(printed, /\$ docker run -d --name server --network mesh --network-alias server\.mesh -p 127\.0\.0\.1:9443:8443 -u 1234:5678 example\/server:1\n/);
	t.regex(printed, /connects to the address of container server on network mesh, port 8443 \(name server\.mesh\) for up to \d+s with the client certificate/);
	t.regex(printed, /\$ docker container inspect --format '\{\{json \.NetworkSettings\.Networks\}\}' server\n/);
	t.false(printed.includes('$(id'), 'shell text is for apply.sh only');
});

test('swarm: a global service publishes with the answered mode and keeps its constraints; a replicated one has replicas', async t => {
	const swarm = await plan('swarm', {publishMode: 'host'});
	t.like(stepOf(swarm, 'network', 'docker-network'), {driver: 'overlay', attachable: true});
	t.like(stepOf(swarm, 'agent', 'swarm-service'), {network: 'mesh', mode: {kind: 'global'}, publish: [{published: 8000, target: 8000, mode: 'host'}], constraints: ['node.platform.os == linux']});
	t.deepEqual(stepOf(swarm, 'server', 'swarm-service').mode, {kind: 'replicated', replicas: 2});
	t.regex(formatPlan(swarm), /docker service create --detach --name agent --mode global --network mesh --publish published=8000,target=8000,mode=host --constraint 'node\.platform\.os == linux' example\/agent:1/);
});

test('answers that make a bad network name, a built-in network with an alias, or a bad publish mode are refused naming the field', async t => {
	const badName = await t.throwsAsync(plan('docker', {network: 'my net'}), {instanceOf: UsageError});
	t.is(badName?.message, 'targets.docker.steps[0].name: "my net" is not a Docker network name (a letter or digit, then letters, digits, _ . or -). Check the answers it is made from.');
	const builtIn = await t.throwsAsync(plan('docker', {network: 'host'}), {instanceOf: UsageError});
	t.is(builtIn?.message, 'targets.docker.steps[0].name: host exists on every engine; name a network of your own.');
	const mode = await t.throwsAsync(plan('swarm', {publishMode: 'routing'}), {instanceOf: UsageError});
	t.is(mode?.message, 'targets.swarm.steps[1].publish[0].mode: "routing" is not a publish mode; expected ingress or host.');
});

test('a recipe using the invoking user\'s ids cannot be planned where the platform gives none', async t => {
	const error = await t.throwsAsync(plan('docker', {}, false), {instanceOf: UsageError});
	t.regex(error?.message ?? '', /^targets\.docker\.steps\[1\]\.user: needs \{\{invoker\.uid\}\}, the ids of the user running the wizard/);
});

test('the schema refuses replicas on a global service and a probe with both host and hostFrom', async t => {
	const {recipeSchema} = await import('../../source/recipes/recipe-schema.js');
	const recipe = structuredClone(await loadRecipe('networks', dir)) as Record<string, unknown> & {targets: {swarm: {steps: Array<Record<string, unknown>>}; docker: {confirm: Array<Record<string, unknown>>}}};
	delete recipe['file'];
	delete recipe['digest'];
	recipe.targets.swarm.steps[1]!['replicas'] = 3;
	recipe.targets.docker.confirm[0]!['host'] = '127.0.0.1';
	const issues = recipeSchema.safeParse(recipe).error?.issues.map(issue => `${issue.path.join('.')}: ${issue.message}`);
	t.deepEqual(issues, [
		'targets.docker.confirm.0.host: give exactly one of host and hostFrom',
		'targets.swarm.steps.1.replicas: a global service runs one task per node; leave replicas out or use mode replicated',
	]);
});
