import test from 'ava';
import {buildPlan} from '../../source/plan/build-plan.js';
import type {TargetId} from '../../source/plan/types.js';
import {collectAnswers} from '../../source/recipes/collect-answers.js';
import {loadRecipe, loadRecipes} from '../../source/recipes/load-recipes.js';
import {fullAnswers, ids, invoker, planFor} from './plan-for.js';

const cases = Object.entries(fullAnswers).flatMap(([recipe, targets]) =>
	Object.entries(targets).map(([target, answers]) => ({recipe, target: target as TargetId, ...answers!})),
);

test('the fixture answers cover every recipe and every target it declares', async t => {
	for (const recipe of await loadRecipes()) {
		t.deepEqual(Object.keys(fullAnswers[recipe.id] ?? {}).sort(), Object.keys(recipe.targets).sort(), recipe.id);
	}
});

for (const {recipe, target, sets, secrets} of cases) {
	test(`${recipe} --target ${target}: certificates and the local handshake come first, ids are unique`, async t => {
		const plan = await planFor(recipe, target, sets, secrets);
		t.deepEqual([plan.steps[0]!.id, plan.steps[0]!.kind], ['certificates', 'issue-certificates']);
		// Only a Docker network, created alongside the certificates, may come between them and their proof.
		const proof = plan.steps.findIndex(s => s.kind === 'verify-handshake');
		t.true(plan.steps.slice(1, proof).every(s => s.kind === 'docker-network' && s.alongsidePrevious), plan.steps.map(s => s.id).join(' '));
		t.is(plan.steps[proof]!.id, 'verify-handshake');
		t.is(new Set(ids(plan)).size, plan.steps.length);
		t.is(plan.recipe, recipe);
		t.is(plan.target, target);
		t.regex(plan.recipeDigest, /^[\da-f]{64}$/);
		// Confirmation steps close the plan: nothing is deployed after a wait-for-log or tls-probe.
		const firstConfirm = plan.steps.findIndex(s => s.kind === 'wait-for-log' || s.kind === 'tls-probe');
		if (firstConfirm >= 0) t.true(plan.steps.slice(firstConfirm).every(s => ['wait-for-log', 'tls-probe', 'manual'].includes(s.kind)));
	});

	test(`${recipe} --target ${target}: pure and stable (same inputs, equal plans)`, async t => {
		const loaded = await loadRecipe(recipe);
		const env = Object.fromEntries(Object.entries(secrets).map(([id, value]) => [`MTLS_WIZARD_ANSWER_${id.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`, value]));
		const {answers, secrets: given} = await collectAnswers(loaded, target, {sets, env});
		const options = {outDir: '/o', secretAnswerIds: Object.keys(given), invoker};
		const first = buildPlan(loaded, target, answers, options);
		const second = buildPlan(loaded, target, answers, options);
		t.deepEqual(first, second);
		t.is(JSON.stringify(first), JSON.stringify(second));
		t.not(first.steps, second.steps, 'a fresh value each time, no shared mutable state');
	});

	if (Object.keys(secrets).length === 0) continue;
	test(`${recipe} --target ${target}: secret values never reach the plan`, async t => {
		const plan = await planFor(recipe, target, sets, secrets);
		const text = JSON.stringify(plan);
		for (const [id, value] of Object.entries(secrets)) {
			t.false(text.includes(value), `${id} value leaked`);
			t.true(plan.secretAnswers.includes(id));
			t.false(id in plan.answers);
		}
	});
}

test('kubectl and helm steps carry --context when one is given', async t => {
	const plan = await planFor('steadybit', 'helm', ['clusterName=c'], {agentKey: 'k'}, 'kind-test');
	const kube = plan.steps.filter(s => 'namespace' in s);
	t.true(kube.length > 0);
	for (const step of kube) t.is((step as {context?: string}).context, 'kind-test', step.id);
	const log = plan.steps.find(s => s.kind === 'wait-for-log');
	t.like(log, {source: {context: 'kind-test'}});
});
