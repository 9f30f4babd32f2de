/**
 * Validates one recipe file's bytes: YAML, then the schema, then the variables its templates use. A broken recipe is
 * reported with its file and the field path (`recipes/portainer.yaml: targets.helm.steps[2].kind: expected one of
 * ...`) before anything runs.
 */
import path from 'node:path';
import {parseDocument} from 'yaml';
import type {core} from 'zod';
import {placeIn} from '../path-within.js';
import {checkRecipeReferences} from './check-recipe-references.js';
import {formatFieldPath} from './format-field-path.js';
import {checkInstructionTexts} from './glued-punctuation.js';
import {InvalidRecipeError} from './invalid-recipe-error.js';
import {recipeSchema, type RecipeFile} from './recipe-schema.js';

export function parseRecipe(file: string, text: string): RecipeFile {
	const shown = displayPath(file);
	const document = parseDocument(text);
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
	return parsed.data;
}

function displayPath(file: string): string {
	return placeIn(process.cwd(), file) === 'inside' ? path.relative(process.cwd(), file) : file;
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
