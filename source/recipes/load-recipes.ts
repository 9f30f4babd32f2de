/**
 * Reads recipes/<id>.yaml and returns each validated, with its path and digest. A shipped recipe whose bytes the
 * build validated is taken as the build left it (built-recipes.ts); any other file is validated here
 * (parse-recipe.ts), and a broken one is reported with its file and the field path before anything runs.
 */
import {createHash} from 'node:crypto';
import {readdir, readFile} from 'node:fs/promises';
import path from 'node:path';
import {UsageError} from '../errors.js';
import {packageRoot} from '../package-root.js';
import {builtRecipe} from './built-recipes.js';
import type {Recipe} from './recipe-schema.js';

export {InvalidRecipeError} from './invalid-recipe-error.js';

export const defaultRecipesDir = path.join(packageRoot, 'recipes');

export async function loadRecipes(dir: string = defaultRecipesDir): Promise<Recipe[]> {
	const files = (await readdir(dir)).filter(name => name.endsWith('.yaml')).sort();
	return Promise.all(files.map(async name => readRecipe(path.join(dir, name), dir)));
}

export async function loadRecipe(id: string, dir: string = defaultRecipesDir): Promise<Recipe> {
	const files = (await readdir(dir)).filter(name => name.endsWith('.yaml')).sort();
	const known = files.map(name => name.slice(0, -'.yaml'.length));
	if (!known.includes(id)) {
		throw new UsageError(`unknown recipe ${JSON.stringify(id)}. Known recipes: ${known.join(', ')} (see: mtls-wizard recipes)`);
	}

	return readRecipe(path.join(dir, `${id}.yaml`), dir);
}

async function readRecipe(file: string, dir: string): Promise<Recipe> {
	const bytes = await readFile(file);
	const digest = createHash('sha256').update(bytes).digest('hex');
	const shipped = path.resolve(dir) === defaultRecipesDir ? await builtRecipe(path.basename(file, '.yaml'), digest) : undefined;
	if (shipped) return {...shipped, file, digest};
	// yaml and zod load only for a recipe the build did not validate.
	const {parseRecipe} = await import('./parse-recipe.js');
	return {...parseRecipe(file, bytes.toString('utf8')), file, digest};
}
