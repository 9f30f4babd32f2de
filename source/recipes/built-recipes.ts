import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {packageRoot} from '../package-root.js';
import type {RecipeFile} from './recipe-schema.js';

/** Set by the build (scripts/build.ts) in the bundle it makes; absent when the source runs under tsx. */
declare const MTLS_WIZARD_BUILD_ID: string | undefined;

/** dist/recipes.json: each shipped recipe as the build validated it, by id, with the digest of the bytes it validated. */
export type BuiltRecipes = {buildId: string; recipes: Record<string, {digest: string; recipe: RecipeFile}>};

export const builtRecipesFile = path.join(packageRoot, 'dist', 'recipes.json');

let built: Promise<BuiltRecipes['recipes'] | undefined> | undefined;

async function readBuilt(): Promise<BuiltRecipes['recipes'] | undefined> {
	const buildId = typeof MTLS_WIZARD_BUILD_ID === 'string' ? MTLS_WIZARD_BUILD_ID : undefined;
	if (buildId === undefined) return undefined;
	try {
		const file = JSON.parse(await readFile(builtRecipesFile, 'utf8')) as BuiltRecipes;
		// Written by another build than the one running: what it holds may not be what this code's schema makes.
		return file.buildId === buildId ? file.recipes : undefined;
	} catch {
		return undefined;
	}
}

/**
 * The recipe the build validated from exactly these bytes (same id, same SHA-256), or undefined: then the file is
 * validated now. Parsing YAML and checking the schema is most of a run's start-up, and gives the same result for
 * the same bytes and the same code, so the build does it once for the recipes it ships.
 */
export async function builtRecipe(id: string, digest: string): Promise<RecipeFile | undefined> {
	built ??= readBuilt();
	const entry = (await built)?.[id];
	// A copy each time, as a file validated anew would be: no caller shares another's recipe.
	return entry?.digest === digest ? structuredClone(entry.recipe) : undefined;
}
