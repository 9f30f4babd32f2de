
import {Box, Text} from 'ink';
import type {RecipeChoice} from '../wizard/types.js';
import {SelectList} from './SelectList.js';

type Props = {
	recipes: RecipeChoice[];
	initial?: string;
	/** The columns and rows the screen may fill: the list wraps its descriptions and scrolls to fit. */
	width: number;
	height: number;
	onSelect(recipe: RecipeChoice): void;
	onQuit(): void;
};

export function RecipeScreen({recipes, initial, width, height, onSelect, onQuit}: Props) {
	return (
		<Box flexDirection="column">
			<Text bold>Which product needs mutual TLS?</Text>
			<SelectList
				items={recipes.map(recipe => ({value: recipe, label: recipe.title, description: recipe.description}))}
				initialIndex={Math.max(0, recipes.findIndex(recipe => recipe.id === initial))}
				width={width}
				height={height - 1}
				onSelect={onSelect}
				onQuit={onQuit}
			/>
		</Box>
	);
}
