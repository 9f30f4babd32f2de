import test from 'ava';
import {formatPlan} from '../../source/render/print-plan.js';
import {answersWithout, bothCasTrusted, rotatePlan, rotationDir, trustBothFile} from '../../source/plan/rotate-plan.js';
import type {Plan, Rotation, Step, TargetId} from '../../source/plan/types.js';
import {loadRecipe} from '../../source/recipes/load-recipes.js';
import {buildPlan} from '../../source/plan/build-plan.js';
import {collectAnswers, secretEnvName} from '../../source/recipes/collect-answers.js';
import {fullAnswers, invoker, outDir, stepOf} from './plan-for.js';

const rotation: Rotation = {of: '20261207-190000-abcd', from: outDir, version: '20261207T191700', excludeAgents: [], stage: 'all'};
const newDir = rotationDir(rotation);
const oldPki = (file: string) => `${outDir}/certs/${file}`;
const newPki = (file: string) => `${newDir}/certs/${file}`;
const both = newPki(trustBothFile);

/** The rotation plan as rotate-ca builds it: the deployment's plan and the same answers planned into the new directory. */
async function rotationOf(recipeId: string, target: TargetId, options: {sets?: string[]; rotation?: Rotation; exportTo?: string} = {}): Promise<Plan> {
	const recipe = await loadRecipe(recipeId);
	const given = fullAnswers[recipeId]![target]!;
	const env = Object.fromEntries(Object.entries(given.secrets).map(([id, value]) => [secretEnvName(id), value]));
	const collected = await collectAnswers(recipe, target, {sets: [...given.sets, ...(options.sets ?? [])], env});
	const chosen = options.rotation ?? rotation;
	const planned = (dir: string, answers: Plan['answers']) => buildPlan(recipe, target, answers, {outDir: dir, secretAnswerIds: Object.keys(collected.secrets), invoker});
	const into = options.exportTo ?? rotationDir(chosen);
	return rotatePlan({
		deployed: planned(outDir, collected.answers),
		rotated: planned(into, answersWithout(collected.answers, chosen.excludeAgents)),
		rotation: chosen,
		notes: recipe.rotation,
		carryInto: options.exportTo === undefined ? undefined : `${options.exportTo}/deployed`,
	});
}

const phaseOf = (step: Step) => (/^(issue-new-ca|trust-both-)/.test(step.id) ? 1 : /^reissue-/.test(step.id) ? 2 : /^drop-old-ca-/.test(step.id) ? 3 : 0);

test('docker: phase 1 issues only the new CA and re-creates every container with the old leaves and both CAs', async t => {
	const plan = await rotationOf('portainer', 'docker');
	t.deepEqual(plan.rotation, rotation);
	t.is(plan.outDir, newDir, 'the new CA and leaves go to a directory of their own; the old ones stay where they are');
	t.deepEqual(plan.steps.map(phaseOf), [...plan.steps.map(phaseOf)].sort(), 'the phases run in order');
	const newCa = stepOf(plan, 'issue-new-ca', 'issue-certificates');
	t.deepEqual(newCa.leaves, []);
	t.is(newCa.dir, `${newDir}/certs`);
	t.deepEqual(newCa.trustBundle, {path: both, first: oldPki('ca.crt')});
	t.like(newCa.ca, {mode: 'generate', commonName: 'Portainer Edge mTLS CA 20261207T191700'}, 'the new CA is told apart from the old one by name too');
	t.like(stepOf(plan, 'trust-both-verify-handshake', 'verify-handshake'), {dir: `${outDir}/certs`, caFile: both, server: 'server', client: 'agent'});
	t.true(plan.steps.findIndex(s => s.id === 'trust-both-verify-handshake') < plan.steps.findIndex(s => s.id === 'trust-both-run-portainer'), 'the deployed pair is proved against the bundle before phase 1 deploys it');
	const server = stepOf(plan, 'trust-both-run-portainer', 'docker-run');
	t.deepEqual(server.mounts.filter(m => m.target.startsWith('/certs')).map(m => m.source), [both, oldPki('server.crt'), oldPki('server.key')]);
	const agent = stepOf(plan, 'trust-both-run-edge-agent', 'docker-run');
	t.deepEqual(agent.mounts.filter(m => m.target.startsWith('/certs')).map(m => m.source), [both, oldPki('agent.crt'), oldPki('agent.key')]);
	t.like(stepOf(plan, 'trust-both-confirm-server-mtls', 'tls-probe'), {caFile: both, clientCertFile: oldPki('agent.crt')});
	t.true(plan.steps.some(s => s.id === 'trust-both-confirm-edge-agent'), 'phase 1 is confirmed by the plan\'s own checks');
});

test('docker: phase 2 re-issues every leaf from the new CA and proves it before deploying; phase 3 leaves the new CA alone', async t => {
	const plan = await rotationOf('portainer', 'docker');
	const reissue = stepOf(plan, 'reissue-certificates', 'issue-certificates');
	t.deepEqual(reissue.leaves.map(l => l.id), ['server', 'agent']);
	t.is(reissue.ca.mode, 'generate', 'the CA of phase 1 is found there and kept');
	t.is(reissue.trustBundle, undefined);
	const order = plan.steps.map(s => s.id);
	t.true(order.indexOf('reissue-verify-handshake') < order.indexOf('reissue-run-portainer'));
	t.deepEqual(stepOf(plan, 'reissue-run-portainer', 'docker-run').mounts.filter(m => m.target.startsWith('/certs')).map(m => m.source), [both, newPki('server.crt'), newPki('server.key')]);
	t.like(stepOf(plan, 'reissue-confirm-server-mtls', 'tls-probe'), {caFile: both, clientCertFile: newPki('agent.crt')});
	t.deepEqual(stepOf(plan, 'drop-old-ca-run-portainer', 'docker-run').mounts.filter(m => m.target.startsWith('/certs')).map(m => m.source), [newPki('ca.crt'), newPki('server.crt'), newPki('server.key')]);
	t.like(stepOf(plan, 'drop-old-ca-confirm-server-mtls', 'tls-probe'), {caFile: newPki('ca.crt'), clientCertFile: newPki('agent.crt')});
	t.false(JSON.stringify(plan.steps.filter(s => phaseOf(s) === 3)).includes(`${outDir}/certs/`), 'nothing of the old PKI is read after the old CA is dropped');
	t.false(order.some(id => id.endsWith('create-edge-environment')), 'setup done by hand once is not asked for again');
});

test('swarm: each phase creates only the secrets whose file changes, under a name of its own, and swaps them in', async t => {
	const plan = await rotationOf('portainer', 'swarm');
	const secrets = (phase: number) => plan.steps.filter(s => phaseOf(s) === phase).flatMap(s => (s.kind === 'docker-secret' ? [`${s.name} ← ${s.file}`] : []));
	t.deepEqual(secrets(1), [`portainer.mtlscacert.20261207T191700-1 ← ${both}`]);
	t.deepEqual(secrets(2), [
		`portainer.mtlscert.20261207T191700-2 ← ${newPki('server.crt')}`,
		`portainer.mtlskey.20261207T191700-2 ← ${newPki('server.key')}`,
		`portainer-agent.mtlscert.20261207T191700-2 ← ${newPki('agent.crt')}`,
		`portainer-agent.mtlskey.20261207T191700-2 ← ${newPki('agent.key')}`,
	]);
	t.deepEqual(secrets(3), [`portainer.mtlscacert.20261207T191700-3 ← ${newPki('ca.crt')}`]);
	t.false(plan.steps.some(s => s.kind === 'swarm-service' || s.kind === 'docker-network'), 'services are updated, never re-created');
	t.deepEqual(stepOf(plan, 'trust-both-swap-service-edge-agent', 'swarm-secret-swap').swaps, [{source: 'portainer.mtlscacert.20261207T191700-1', target: 'portainer.mtlscacert'}]);
	t.like(stepOf(plan, 'reissue-confirm-edge-agent', 'wait-for-log'), {newLinesOnly: true}, 'the service keeps the tasks it replaced: only what the new ones log confirms the phase');
	t.regex(formatPlan(plan), /\$ docker service logs -f --since '<the time this step starts>' portainer_edge_agent/);
	t.deepEqual(stepOf(plan, 'reissue-swap-service-portainer', 'swarm-secret-swap').swaps, [
		{source: 'portainer.mtlscert.20261207T191700-2', target: 'portainer.mtlscert'},
		{source: 'portainer.mtlskey.20261207T191700-2', target: 'portainer.mtlskey'},
	]);
});

test('helm: every phase applies the secret it changes and restarts the release\'s workloads so the pods read it', async t => {
	const plan = await rotationOf('portainer', 'helm');
	for (const prefix of ['trust-both', 'reissue', 'drop-old-ca']) {
		const at = plan.steps.findIndex(s => s.id === `${prefix}-secret-portainer-mtls`);
		t.true(at >= 0, `${prefix}: the secret is applied`);
		t.like(plan.steps.find(s => s.id === `${prefix}-restart-helm-portainer`), {kind: 'kube-restart', selector: 'app.kubernetes.io/instance=portainer'});
	}

	t.deepEqual(stepOf(plan, 'trust-both-secret-portainer-mtls', 'kube-secret').files.map(f => f.path), [both, oldPki('server.crt'), oldPki('server.key')]);
});

test('--exclude-agent: the lost device gets no certificate from the new CA; the others do', async t => {
	const fleet = {...rotation, excludeAgents: ['edge-2']};
	const plan = await rotationOf('portainer', 'bundle', {sets: ['agents=edge-1,edge-2,edge-3'], rotation: fleet});
	const agents = stepOf(plan, 'reissue-certificates', 'issue-certificates').leaves.filter(l => l.id === 'agent').map(l => l.commonName);
	t.deepEqual(agents, ['edge-1', 'edge-3']);
	t.false(JSON.stringify(plan.steps).includes('agents/edge-2'), 'nothing is written or handed over for edge-2');
	t.is(plan.answers['agents'], 'edge-1,edge-3', 'the session saves the fleet without edge-2, so no later renew or rotation issues it again');
	t.is(answersWithout({agents: 'edge-1 a.example,edge-2'}, ['edge-2'])['agents'], 'edge-1 a.example', 'an agent\'s extra SANs stay with it');
});

test('a trust point that holds one CA (Harness: one CA per account) keeps the old CA in phase 1 and takes the new one in phase 2, and the plan says where the outage falls', async t => {
	const plan = await rotationOf('harness-delegate', 'docker');
	const text = formatPlan(plan);
	t.regex(text, /Phase 2[^\n]*outage/i, 'the dry run says the outage falls in phase 2');
	const handOver = plan.steps.filter(s => s.kind === 'manual' && s.instructions.some(line => line.includes('ca.crt') || line.includes(trustBothFile)));
	t.true(handOver.every(s => !JSON.stringify(s).includes(trustBothFile)), 'Harness is never sent a bundle of two CAs');
	t.true(handOver.some(s => phaseOf(s) === 2 && JSON.stringify(s).includes(newPki('ca.crt'))), 'the new CA goes to Harness in phase 2');
});

test('a rotation bundle names rotate-ca with its exclusions as the command that writes it', async t => {
	const {headlessCommand, commandLine} = await import('../../source/plan/headless-command.js');
	const fleet = {...rotation, excludeAgents: ['edge-2']};
	const plan = await rotationOf('portainer', 'bundle', {sets: ['agents=edge-1,edge-2'], rotation: fleet});
	t.is(commandLine(headlessCommand(await loadRecipe('portainer'), plan, {export: './bundle'})), 'mtls-wizard rotate-ca 20261207-190000-abcd --exclude-agent edge-2 --export ./bundle');
});

test('every recipe and target rotates: ids unique, phases in order, a proof before anything is deployed, and nothing of the old PKI read after phase 2', async t => {
	for (const [recipeId, targets] of Object.entries(fullAnswers)) {
		for (const target of Object.keys(targets) as TargetId[]) {
			const plan = await rotationOf(recipeId, target);
			const where = `${recipeId} --target ${target}`;
			const order = plan.steps.map(s => s.id);
			t.is(new Set(order).size, order.length, `${where}: step ids are unique`);
			t.deepEqual(plan.steps.map(phaseOf), [...plan.steps.map(phaseOf)].sort(), `${where}: the phases run in order`);
			const firstProof = plan.steps.findIndex(s => s.kind === 'verify-handshake');
			const firstDeployment = plan.steps.findIndex(s => !['issue-certificates', 'verify-handshake', 'manual', 'write-files'].includes(s.kind));
			t.true(firstProof >= 0 && (firstDeployment === -1 || firstProof < firstDeployment), `${where}: proved before deployed`);
			t.false(JSON.stringify(plan.steps.filter(s => phaseOf(s) === 3)).includes(`${outDir}/certs/`), `${where}: phase 3 reads nothing of the old PKI`);
		}
	}
});

test('--keep-old-ca stops after phase 2 and says how to finish; --drop-old-ca later runs phase 3 alone, after checking and proving what phase 2 issued', async t => {
	const keep = await rotationOf('portainer', 'swarm', {rotation: {...rotation, stage: 'keep-old-ca'}});
	t.false(keep.steps.some(s => phaseOf(s) === 3), 'nothing of phase 3');
	t.like(keep.steps.at(-1), {id: 'reissue-keep-old-ca', kind: 'manual'});
	t.regex(JSON.stringify(keep.steps.at(-1)), /mtls-wizard rotate-ca --drop-old-ca/);

	const drop = await rotationOf('portainer', 'swarm', {rotation: {...rotation, stage: 'drop-old-ca'}});
	t.deepEqual(drop.steps.slice(0, 2).map(s => s.id), ['drop-old-ca-certificates', 'drop-old-ca-verify-handshake']);
	t.true(drop.steps.every(s => phaseOf(s) === 3 || s.id.startsWith('drop-old-ca')));
	t.deepEqual(drop.steps.flatMap(s => (s.kind === 'docker-secret' ? [s.name] : [])), ['portainer.mtlscacert.20261207T191700-3'], 'the same secret names as one run of all three phases');
	const {headlessCommand, commandLine} = await import('../../source/plan/headless-command.js');
	const recipe = await loadRecipe('portainer');
	t.is(commandLine(headlessCommand(recipe, keep)), 'mtls-wizard rotate-ca 20261207-190000-abcd --keep-old-ca');
	t.is(commandLine(headlessCommand(recipe, {...drop, rotation: {...rotation, excludeAgents: ['edge-2'], stage: 'drop-old-ca'}})), 'mtls-wizard rotate-ca 20261207-190000-abcd --drop-old-ca', 'the exclusions were decided in phase 2');
});

test('docker, built for an export: the steps apply.sh runs name copies of the old leaves in the bundle, and Plan.carried says where each comes from', async t => {
	const bundle = '/build/bundle';
	const plan = await rotationOf('portainer', 'docker', {exportTo: bundle});
	t.deepEqual(
		plan.carried,
		['server.crt', 'server.key', 'agent.crt', 'agent.key'].map(file => ({from: oldPki(file), to: `${bundle}/deployed/certs/${file}`})),
	);
	// The certificate and proof steps run when the bundle is written; only the others are in apply.sh.
	const applied = plan.steps.filter(step => step.kind !== 'issue-certificates' && step.kind !== 'verify-handshake');
	t.false(JSON.stringify(applied).includes(`${outDir}/`), 'no step apply.sh runs names the deployment\'s directory');
	t.true(JSON.stringify(stepOf(plan, 'trust-both-run-portainer', 'docker-run')).includes(`${bundle}/deployed/certs/server.key`), 'phase 1 deploys the old server key from the bundle');
	t.is((await rotationOf('portainer', 'docker')).carried, undefined, 'a rotation run in place carries nothing');
});

/** A plan of the deployment made in the rotation's directory: what a renewal of the rotation starts from. */
async function plannedInRotation(recipeId: string, target: TargetId): Promise<Plan> {
	const recipe = await loadRecipe(recipeId);
	const given = fullAnswers[recipeId]![target]!;
	const env = Object.fromEntries(Object.entries(given.secrets).map(([id, value]) => [secretEnvName(id), value]));
	const collected = await collectAnswers(recipe, target, {sets: given.sets, env});
	return buildPlan(recipe, target, collected.answers, {outDir: newDir, secretAnswerIds: Object.keys(collected.secrets), invoker});
}

test('trust as --keep-old-ca left it (a renewal within that rotation): every trust point that reads the new CA reads both CAs, except one that holds a single CA; certificates and proof unchanged', async t => {
	const recipe = await loadRecipe('harness-delegate');
	const plan = await plannedInRotation('harness-delegate', 'docker');
	const trusted = bothCasTrusted(plan, both, recipe.rotation);
	const reads = (step: Step | undefined, file: string) => JSON.stringify(step).includes(file);
	t.deepEqual(trusted.steps.map(s => s.id), plan.steps.map(s => s.id), 'the same steps');
	for (const id of ['certificates', 'verify-handshake']) t.deepEqual(trusted.steps.find(s => s.id === id), plan.steps.find(s => s.id === id), `${id}: unchanged`);
	const byId = (id: string) => trusted.steps.find(s => s.id === id);
	t.true(reads(byId('send-ca-to-harness'), newPki('ca.crt')) && !reads(byId('send-ca-to-harness'), both), 'Harness holds one CA: it keeps the new one');

	const portainer = await plannedInRotation('portainer', 'docker');
	const deployed = bothCasTrusted(portainer, both).steps.filter(s => s.kind === 'docker-run');
	t.true(deployed.length > 0);
	for (const step of deployed) {
		t.true(reads(step, both), `${step.id}: trusts both CAs`);
		t.false(reads(step, newPki('ca.crt')), `${step.id}: not the new CA alone`);
	}
});


test('--drop-old-ca built for an export carries what phase 2 issued in the rotation\'s directory into the bundle, where the kept certificates step checks it', async t => {
	const bundle = '/build/bundle';
	const plan = await rotationOf('portainer', 'docker', {rotation: {...rotation, stage: 'drop-old-ca'}, exportTo: bundle, sets: ['agents=edge-a']});
	t.deepEqual(
		plan.carried,
		['certs/ca.crt', 'certs/ca.key', 'certs/server.crt', 'certs/server.key', 'agents/edge-a/agent.crt', 'agents/edge-a/agent.key', 'agents/edge-a/ca.crt'].map(file => ({from: `${newDir}/${file}`, to: `${bundle}/${file}`})),
	);
	t.is(stepOf(plan, 'drop-old-ca-certificates', 'issue-certificates').dir, `${bundle}/certs`);
	t.false(JSON.stringify(plan.steps).includes(`${outDir}/`), 'no step names the deployment\'s directory');
});
