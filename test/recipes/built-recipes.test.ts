import test from 'ava';
import {execFile} from 'node:child_process';
import {cp, readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {BuiltRecipes} from '../../source/recipes/built-recipes.js';
import {loadRecipes} from '../../source/recipes/load-recipes.js';
import {tempDir} from '../support/temp-dir.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

type Exit = {exitCode: number; stdout: string; stderr: string};

function runNode(args: string[], cwd: string): Promise<Exit> {
	return new Promise(resolve => {
		execFile(process.execPath, args, {cwd, env: {...process.env, NO_COLOR: '1'}, timeout: 60_000}, (error, stdout, stderr) => {
			resolve({exitCode: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr});
		});
	});
}

/** A copy of the package as npm installs it (package.json, dist/, recipes/), to change one file of. */
async function installedCopy(t: Parameters<typeof tempDir>[0]): Promise<string> {
	const dir = await tempDir(t, 'mtls-built-recipes-');
	await cp(path.join(root, 'package.json'), path.join(dir, 'package.json'));
	await cp(path.join(root, 'dist'), path.join(dir, 'dist'), {recursive: true});
	await cp(path.join(root, 'recipes'), path.join(dir, 'recipes'), {recursive: true});
	return dir;
}

const readBuilt = async (dir: string) => JSON.parse(await readFile(path.join(dir, 'dist', 'recipes.json'), 'utf8')) as BuiltRecipes;

test('dist/recipes.json holds every shipped recipe exactly as validating its file now gives it, with the file digest', async t => {
	const built = await readBuilt(root);
	const recipes = await loadRecipes();
	t.deepEqual(Object.keys(built.recipes).sort(), recipes.map(recipe => recipe.id));
	for (const {file, digest, ...validated} of recipes) {
		t.is(built.recipes[validated.id]!.digest, digest, `${file}: npm run build again after changing it`);
		t.deepEqual(built.recipes[validated.id]!.recipe, validated);
	}
});

test('the built CLI takes a shipped recipe from dist/recipes.json when the bytes match, and not from another build', async t => {
	const dir = await installedCopy(t);
	const built = await readBuilt(dir);
	// A title no recipe file has: seen only if the CLI took the recipe from recipes.json instead of parsing the file.
	built.recipes['generic']!.recipe.title = 'Title only in recipes.json';
	await writeFile(path.join(dir, 'dist', 'recipes.json'), JSON.stringify(built));
	const sameBuild = await runNode(['dist/cli.js', 'recipes'], dir);
	t.is(sameBuild.exitCode, 0, sameBuild.stderr);
	t.regex(sameBuild.stdout, /^generic — Title only in recipes\.json$/m);

	await writeFile(path.join(dir, 'dist', 'recipes.json'), JSON.stringify({...built, buildId: 'another-build'}));
	const otherBuild = await runNode(['dist/cli.js', 'recipes'], dir);
	t.is(otherBuild.exitCode, 0, otherBuild.stderr);
	t.regex(otherBuild.stdout, /^generic — Any server and client$/m);
});

test('a shipped recipe edited after the build is validated anew: a broken field is named with its file', async t => {
	const dir = await installedCopy(t);
	const file = path.join(dir, 'recipes', 'generic.yaml');
	await writeFile(file, (await readFile(file, 'utf8')).replace(/^title: .*$/m, 'title: [not, a, string]'));
	const result = await runNode(['dist/cli.js', 'run', 'generic', '--target', 'bundle', '--dry-run'], dir);
	t.is(result.exitCode, 1);
	t.regex(result.stderr, /generic\.yaml: title: expected string, received array/);
	t.notRegex(result.stderr, /\n\s+at /);
});
