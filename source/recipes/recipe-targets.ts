import {UsageError} from '../errors.js';
import type {TargetId} from '../plan/types.js';
import {questionsOf} from './common-questions.js';
import type {Recipe, RecipeQuestion} from './recipe-schema.js';

export function targetsOf(recipe: Pick<Recipe, 'targets'>): TargetId[] {
	return Object.keys(recipe.targets) as TargetId[];
}

/** The questions asked for one target: the recipe's own (limited by their `targets`) and the common PKI ones. */
export function questionsFor(recipe: Pick<Recipe, 'questions' | 'agents'>, target: TargetId): RecipeQuestion[] {
	return questionsOf(recipe).filter(q => !q.targets || q.targets.includes(target));
}

export function checkTarget(recipe: Pick<Recipe, 'id' | 'targets'>, target: string): TargetId {
	const targets = targetsOf(recipe);
	if (!targets.includes(target as TargetId)) {
		throw new UsageError(`--target: ${JSON.stringify(target)} is not a target of recipe ${recipe.id}. Use one of: ${targets.join(', ')}.`);
	}

	return target as TargetId;
}
