import {loadRecipes} from '../recipes/load-recipes.js';
import type {Recipe} from '../recipes/recipe-schema.js';
import {questionsFor, targetsOf} from '../recipes/recipe-targets.js';
import {questionsOf} from '../recipes/common-questions.js';

type RecipeListing = {
	id: string;
	title: string;
	description: string;
	targets: Array<{id: string; description: string}>;
	questions: Array<{
		id: string;
		prompt: string;
		type: string;
		default?: string | number | boolean;
		required: boolean;
		secret: boolean;
		targets: string[];
	}>;
};

function describeRecipe(recipe: Recipe): RecipeListing {
	const targets = targetsOf(recipe);
	return {
		id: recipe.id,
		title: recipe.title,
		description: recipe.description,
		targets: targets.map(id => ({id, description: recipe.targets[id]!.description})),
		questions: questionsOf(recipe).map(q => ({
			id: q.id,
			prompt: q.prompt,
			type: q.format ? `${q.type} (${q.format})` : q.type === 'choice' ? `choice (${q.choices!.join('|')})` : q.type,
			...(q.default === undefined ? {} : {default: q.default}),
			required: q.required,
			secret: q.secret,
			targets: targets.filter(t => questionsFor(recipe, t).includes(q)),
		})),
	};
}

export async function recipesCommand(options: {json?: boolean}): Promise<number> {
	const listings = (await loadRecipes()).map(describeRecipe);
	process.stdout.write(options.json ? `${JSON.stringify(listings, null, 2)}\n` : formatListings(listings));
	return 0;
}

function formatListings(listings: RecipeListing[]): string {
	const lines: string[] = [];
	for (const recipe of listings) {
		lines.push(`${recipe.id} — ${recipe.title}`, `  ${recipe.description}`, '  targets:');
		const targetWidth = Math.max(...recipe.targets.map(t => t.id.length));
		for (const target of recipe.targets) lines.push(`    ${target.id.padEnd(targetWidth)}  ${target.description}`);
		lines.push('  questions (--set key=value; secrets via --answers or MTLS_WIZARD_ANSWER_<KEY>):');
		const idWidth = Math.max(...recipe.questions.map(q => q.id.length));
		for (const q of recipe.questions) {
			const notes = [
				q.type,
				q.default === undefined || q.default === '' ? undefined : `default ${String(q.default)}`,
				q.required ? 'required' : 'optional',
				q.secret ? 'secret' : undefined,
				q.targets.length === recipe.targets.length ? undefined : `targets ${q.targets.join(',')}`,
			].filter(Boolean);
			lines.push(`    ${q.id.padEnd(idWidth)}  ${notes.join('; ')}`, `    ${''.padEnd(idWidth)}  ${q.prompt}`);
		}

		lines.push('');
	}

	return `${lines.join('\n')}`;
}
