/**
 * Reads recipes/<id>.yaml, validates each against the schema and the variables its templates use, and
 * returns them with their path and digest. A broken recipe is reported with its file and the field path
 * (`recipes/portainer.yaml: targets.helm.steps[2].kind: expected one of ...`) before anything runs.
 */
import {createHash} from 'node:crypto';
import {readdir, readFile} from 'node:fs/promises';
import path from 'node:path';
import {parseDocument} from 'yaml';
import type {core} from 'zod';
import {UsageError, WizardError, exitCodes} from '../errors.js';
import {packageRoot} from '../package-root.js';
import {checkRecipeReferences} from './check-recipe-references.js';
import {formatFieldPath} from './format-field-path.js';
import {checkInstructionTexts} from './glued-punctuation.js';
import {recipeSchema, type Recipe} from './recipe-schema.js';

export const defaultRecipesDir = path.join(packageRoot, 'recipes');

/** A recipe file that does not validate: a packaging or authoring bug, not bad user input. */
export class InvalidRecipeError extends WizardError {
	constructor(message: string) {
		super(message, exitCodes.stepFailed);
	}
}

export async function loadRecipes(dir: string = defaultRecipesDir): Promise<Recipe[]> {
	const files = (await readdir(dir)).filter(name => name.endsWith('.yaml')).sort();
	return Promise.all(files.map(async name => parseRecipe(path.join(dir, name))));
}

export async function loadRecipe(id: string, dir: string = defaultRecipesDir): Promise<Recipe> {
	const files = (await readdir(dir)).filter(name => name.endsWith('.yaml')).sort();
	const known = files.map(name => name.slice(0, -'.yaml'.length));
	if (!known.includes(id)) {
		throw new UsageError(`unknown recipe ${JSON.stringify(id)}. Known recipes: ${known.join(', ')} (see: mtls-wizard recipes)`);
	}

	return parseRecipe(path.join(dir, `${id}.yaml`));
}

async function parseRecipe(file: string): Promise<Recipe> {
	const bytes = await readFile(file);
	const shown = displayPath(file);
	const document = parseDocument(bytes.toString('utf8'));
	const yamlError = document.errors[0];
	if (yamlError) {
		const line = yamlError.linePos?.[0].line;
		throw new InvalidRecipeError(`${shown}${line ? `:${line}` : ''}: invalid YAML: ${yamlError.message.split(' at line ')[0]}`);
	}

	const parsed = recipeSchema.safeParse(document.toJS());
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		throw new InvalidRecipeError(`${shown}: ${formatFieldPath(issue.path) || '(top level)'}: ${describeIssue(issue)}`);
	}

	const expectedId = path.basename(file, '.yaml');
	if (parsed.data.id !== expectedId) {
		throw new InvalidRecipeError(`${shown}: id: ${JSON.stringify(parsed.data.id)} must match the file name (${expectedId})`);
	}

	const problem = checkRecipeReferences(parsed.data) ?? checkInstructionTexts(parsed.data);
	if (problem) throw new InvalidRecipeError(`${shown}: ${problem}`);

	return {...parsed.data, file, digest: createHash('sha256').update(bytes).digest('hex')};
}

function displayPath(file: string): string {
	const relative = path.relative(process.cwd(), file);
	return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

function describeIssue(issue: core.$ZodIssue): string {
	switch (issue.code) {
		case 'invalid_union': {
			const options = (issue as {options?: unknown[]}).options;
			return options ? `expected one of ${options.join(', ')}` : 'does not match any allowed form';
		}

		case 'invalid_value':
			return `expected one of ${issue.values.map(String).join(', ')}`;
		case 'unrecognized_keys':
			return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
		case 'invalid_type':
			return issue.message.replace(/^Invalid input: /, '');
		default:
			return issue.message;
	}
}
