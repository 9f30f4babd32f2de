import test from 'ava';
import {createHash} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {UsageError} from '../../source/errors.js';
import {defaultRecipesDir, InvalidRecipeError, loadRecipe, loadRecipes} from '../../source/recipes/load-recipes.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = (behaviour: string) => path.join(root, 'test', 'fixtures', `recipes-${behaviour}`);

test('the default folder is the package recipes/ folder', t => {
	t.is(path.resolve(defaultRecipesDir), path.join(root, 'recipes'));
});

test('all five recipes load with their targets, file and sha256 digest', async t => {
	const recipes = await loadRecipes();
	t.deepEqual(
		recipes.map(r => [r.id, Object.keys(r.targets)]),
		[
			['generic', ['bundle', 'kubectl']],
			['harness-delegate', ['kubectl', 'helm', 'docker', 'bundle']],
			['portainer', ['docker', 'swarm', 'helm', 'bundle']],
			['sap-connectivity-proxy', ['helm', 'bundle']],
			['steadybit', ['helm', 'docker', 'bundle']],
		],
	);
	for (const recipe of recipes) {
		t.is(recipe.file, path.join(defaultRecipesDir, `${recipe.id}.yaml`));
		t.is(recipe.digest, createHash('sha256').update(await readFile(recipe.file)).digest('hex'));
	}
});

test('an unknown recipe id is a usage error listing the known ids', async t => {
	const error = await t.throwsAsync(loadRecipe('steadybit-outpost'), {instanceOf: UsageError});
	t.is(error?.message, 'unknown recipe "steadybit-outpost". Known recipes: generic, harness-delegate, portainer, sap-connectivity-proxy, steadybit (see: mtls-wizard recipes)');
	t.is((error as UsageError).exitCode, 2);
});

const invalid: Array<[string, RegExp]> = [
	['unknown-step-kind', /^test\/fixtures\/recipes-unknown-step-kind\/portainer\.yaml: targets\.helm\.steps\[2\]\.kind: expected one of kube-secret, helm-release, kubectl-apply, docker-run, docker-secret, docker-network, swarm-service, write-files, manual$/],
	['alias-on-default-bridge', /^test\/fixtures\/recipes-alias-on-default-bridge\/alias\.yaml: targets\.docker\.steps\[0\]\.networkAliases: network aliases work only on a user-defined network, not bridge; create one with a docker-network step and join it$/],
	['unknown-variable', /^test\/fixtures\/recipes-unknown-variable\/typo\.yaml: targets\.kubectl\.steps\[0\]\.namespace: unknown variable \{\{answers\.nmespace\}\} \(target kubectl\)$/],
	['missing-bundle-target', /^test\/fixtures\/recipes-missing-bundle-target\/no-bundle\.yaml: targets\.bundle: every recipe with a deployment target also offers bundle/],
	['broken-yaml', /^test\/fixtures\/recipes-broken-yaml\/broken\.yaml:\d+: invalid YAML: /],
	['tls-secret-with-ca', /^test\/fixtures\/recipes-tls-secret-with-ca\/tls-ca\.yaml: targets\.kubectl\.steps\[0\]\.files: a tls secret holds exactly the keys tls\.crt and tls\.key/],
	['unknown-check', /^test\/fixtures\/recipes-unknown-check\/bad-check\.yaml: targets\.docker\.confirm\[0\]\.check: expected one of server-ready$/],
	['id-not-file-name', /^test\/fixtures\/recipes-id-not-file-name\/first\.yaml: id: "second" must match the file name \(first\)$/],
	['glued-punctuation', /^test\/fixtures\/recipes-glued-punctuation\/glued\.yaml: targets\.bundle\.steps\[0\]\.instructions\[0\]: "--from-file=ca\.crt=\{\{pki\.ca\.crt\}\}\." has punctuation glued to it/],
];

for (const [behaviour, message] of invalid) {
	test(`an invalid recipe (${behaviour}) names the file and the field`, async t => {
		const cwd = process.cwd();
		process.chdir(root);
		try {
			const error = await t.throwsAsync(loadRecipes(fixtures(behaviour)), {instanceOf: InvalidRecipeError});
			t.regex(error?.message ?? '', message);
		} finally {
			process.chdir(cwd);
		}
	});
}

test('a secret answer used as a template variable is refused with the way to do it', async t => {
	const {checkRecipeReferences} = await import('../../source/recipes/check-recipe-references.js');
	const recipe = await loadRecipe('steadybit');
	const broken = structuredClone(recipe);
	broken.targets.docker!.steps[0]!.title = 'Key {{answers.agentKey}}';
	t.is(checkRecipeReferences(broken), 'targets.docker.steps[0].title: unknown variable {{answers.agentKey}} (a secret answer: use {$secret: agentKey}) (target docker)');
});

test('a passphrase that encrypts a new key must be asked twice (confirm: true), checked at load', async t => {
	const {checkRecipeReferences} = await import('../../source/recipes/check-recipe-references.js');
	const recipe = await loadRecipe('steadybit');
	t.true(recipe.questions.find(q => q.id === 'agentKeyPassphrase')?.confirm, 'the shipped recipe asks the agent key passphrase twice');
	const broken = structuredClone(recipe);
	delete broken.questions.find(q => q.id === 'agentKeyPassphrase')!.confirm;
	t.is(
		checkRecipeReferences(broken),
		'certificates.leaves[1].keyPassphrase: agentKeyPassphrase encrypts a new key, so its question needs confirm: true (the wizard asks it twice) (target helm)',
	);
});

test('confirm on a question whose answer shows as it is typed is refused at load', async t => {
	const {recipeSchema} = await import('../../source/recipes/recipe-schema.js');
	const recipe = await loadRecipe('steadybit');
	const {file: _file, digest: _digest, ...data} = structuredClone(recipe);
	const visible = {...data, questions: data.questions.map(q => (q.id === 'namespace' ? {...q, confirm: true} : q))};
	const parsed = recipeSchema.safeParse(visible);
	t.false(parsed.success);
	t.deepEqual(
		parsed.error?.issues.map(issue => [issue.path.join('.'), issue.message]),
		[['questions.0.confirm', 'only a secret string question is asked twice; a visible answer can be read back']],
	);
});
