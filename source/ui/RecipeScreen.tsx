
import {Box, Text} from 'ink';
import type {RecipeChoice} from '../wizard/types.js';
import {SelectList} from './SelectList.js';

type Props = {recipes: RecipeChoice[]; initial?: string; onSelect(recipe: RecipeChoice): void; onQuit(): void};

export function RecipeScreen({recipes, initial, onSelect, onQuit}: Props) {
	return (
		<Box flexDirection="column">
			<Text bold>Which product needs mutual TLS?</Text>
			<SelectList
				items={recipes.map(recipe => ({value: recipe, label: recipe.title, description: recipe.description}))}
				initialIndex={Math.max(0, recipes.findIndex(recipe => recipe.id === initial))}
				onSelect={onSelect}
				onQuit={onQuit}
			/>
		</Box>
	);
}
