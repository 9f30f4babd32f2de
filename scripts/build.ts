/**
 * `npm run build`: bundles source/cli.tsx with esbuild into dist/ (cli.js, and a chunk per lazily imported module
 * under dist/chunks/), and writes dist/recipes.json, the shipped recipes as this build validated them. Both carry
 * one build id, so the bundle only ever takes recipes its own schema validated (source/recipes/built-recipes.ts).
 * Bundling the dependencies too means one file read per chunk instead of a module resolution per file of commander,
 * yaml, zod, node-forge and execa: start-up is Node's own plus little more.
 */
import {createHash, randomBytes} from 'node:crypto';
import {chmod, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';
import type {BuiltRecipes} from '../source/recipes/built-recipes.js';
import {parseRecipe} from '../source/recipes/parse-recipe.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');
const recipesDir = path.join(root, 'recipes');
const buildId = randomBytes(12).toString('hex');

async function validatedRecipes(): Promise<BuiltRecipes['recipes']> {
	const recipes: BuiltRecipes['recipes'] = {};
	for (const name of (await readdir(recipesDir)).filter(file => file.endsWith('.yaml')).sort()) {
		const bytes = await readFile(path.join(recipesDir, name));
		// A shipped recipe that does not validate fails the build, naming its file and field.
		const recipe = parseRecipe(path.join(recipesDir, name), bytes.toString('utf8'));
		recipes[recipe.id] = {digest: createHash('sha256').update(bytes).digest('hex'), recipe};
	}

	return recipes;
}

const recipes = await validatedRecipes();
await rm(dist, {recursive: true, force: true});
await build({
	entryPoints: [path.join(root, 'source', 'cli.tsx')],
	bundle: true,
	splitting: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	jsx: 'automatic',
	outdir: dist,
	entryNames: '[name]',
	chunkNames: 'chunks/[name]-[hash]',
	// Ink imports it only when DEV=true, to talk to React DevTools; it is not a dependency.
	external: ['react-devtools-core'],
	// The bundled CommonJS packages (commander, node-forge) call require for Node's own modules.
	banner: {js: "import {createRequire} from 'node:module'; const require = createRequire(import.meta.url);"},
	define: {MTLS_WIZARD_BUILD_ID: JSON.stringify(buildId)},
	sourcemap: true,
	logLevel: 'warning',
});
await writeFile(path.join(dist, 'recipes.json'), JSON.stringify({buildId, recipes} satisfies BuiltRecipes));
await chmod(path.join(dist, 'cli.js'), 0o755);
