import {join} from 'node:path';
import test from 'ava';
import {invokerIds} from '../../source/environment/invoker.js';
import {buildPlan} from '../../source/plan/build-plan.js';
import {commandLine, headlessCommand, secretsNote} from '../../source/plan/headless-command.js';
import {formatPlan} from '../../source/render/print-plan.js';
import type {TargetId} from '../../source/plan/types.js';
import {collectAnswers, secretEnvName} from '../../source/recipes/collect-answers.js';
import {loadRecipe} from '../../source/recipes/load-recipes.js';
import {pasteIntoShell} from '../support/paste-command.js';
import {tempDir} from '../support/temp-dir.js';
import {fullAnswers} from './plan-for.js';

/** Answers away from the defaults, of every type: integers, choices, lists, a value the shell must quote. */
const moreSets: Record<string, string[]> = {
	generic: ['days=400', 'keyType=ecdsa-p256', 'extraDnsNames=a.example.com,b.example.com', 'serverIps=', "clientCn=Team O'Brien $HOME"],
	steadybit: ['keySize=3072', 'extraDnsNames=extension.example.com'],
	portainer: ['caDays=1000'],
	'sap-connectivity-proxy': ['days=90'],
	'harness-delegate': ['keySize=4096'],
};

for (const [recipeId, targets] of Object.entries(fullAnswers)) {
	for (const [target, given] of Object.entries(targets) as Array<[TargetId, {sets: string[]; secrets: Record<string, string>}]>) {
		// One CLI at a time: fifteen at once on a 2-core machine starve the other test files' runs.
		test.serial(`${recipeId} --target ${target}: the printed command, pasted into sh with --dry-run, prints the very same plan`, async t => {
			const recipe = await loadRecipe(recipeId);
			const cwd = await tempDir(t, 'mtls-headless-');
			const env = Object.fromEntries(Object.entries(given.secrets).map(([id, value]) => [secretEnvName(id), value]));
			const collected = await collectAnswers(recipe, target, {sets: [...given.sets, ...(moreSets[recipeId] ?? [])], env});
			const outDir = join(cwd, `mtls-${recipeId}`);
			const plan = buildPlan(recipe, target, collected.answers, {outDir, secretAnswerIds: Object.keys(collected.secrets), ...invokerIds()});
			const command = headlessCommand(recipe, plan, {out: outDir, defaultOut: outDir});

			const line = commandLine(command);
			for (const value of Object.values(collected.secrets)) t.false(line.includes(value), 'no secret value is on the command line');
			t.deepEqual(
				command.secretVariables.map(variable => variable.name),
				Object.keys(collected.secrets).map(id => secretEnvName(id)),
			);
			t.false(line.includes('--out'), 'the default output directory needs no --out');

			const result = await pasteIntoShell(t, `${line} --dry-run`, {cwd, env: {...process.env, ...env, NO_COLOR: '1'}});
			t.is(result.stderr, '');
			t.is(result.code, 0);
			t.is(result.stdout, formatPlan(plan, {secrets: collected.secrets}), line);
		});
	}
}

test('answers equal to their defaults are left out; the others are set in the order they are asked', async t => {
	const recipe = await loadRecipe('generic');
	const collected = await collectAnswers(recipe, 'kubectl', {sets: ['namespace=default', 'clientCn=edge-7', 'days=825', 'serverName=api.example.com']});
	const plan = buildPlan(recipe, 'kubectl', collected.answers, {outDir: '/srv/mtls-generic'});
	t.deepEqual(headlessCommand(recipe, plan).args, ['run', 'generic', '--target', 'kubectl', '--set', 'serverName=api.example.com', '--set', 'clientCn=edge-7']);
	t.deepEqual(headlessCommand(recipe, plan, {out: '/srv/mtls-generic', defaultOut: '/home/me/mtls-generic', context: 'prod', export: '/home/me/bundle'}).args.slice(8), [
		'--out',
		'/srv/mtls-generic',
		'--context',
		'prod',
		'--export',
		'/home/me/bundle',
	]);
});

test('secret answers are named by the variable run reads them from, with what to do first', async t => {
	const recipe = await loadRecipe('steadybit');
	const collected = await collectAnswers(recipe, 'helm', {
		sets: ['clusterName=prod-eu'],
		env: {[secretEnvName('agentKey')]: 'AGENT-KEY-SECRET'},
	});
	const plan = buildPlan(recipe, 'helm', collected.answers, {outDir: '/srv/mtls-steadybit', secretAnswerIds: Object.keys(collected.secrets)});
	const command = headlessCommand(recipe, plan);
	t.deepEqual(command.secretVariables, [{name: 'MTLS_WIZARD_ANSWER_AGENT_KEY', answer: 'agentKey'}], 'the passphrase was not given, so it is not asked for');
	t.is(secretsNote(command), 'Export MTLS_WIZARD_ANSWER_AGENT_KEY (the secret answer agentKey) first: secret answers are never put on a command line.');
	t.is(commandLine(command), 'mtls-wizard run steadybit --target helm --set clusterName=prod-eu');
});
