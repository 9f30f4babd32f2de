
import {Box, Text} from 'ink';
import type {RecipeChoice} from '../wizard/types.js';
import {SelectList, type SelectItem} from './SelectList.js';

/**
 * The entry above the products that leads to the finished deployments, when there are any: first, so a returning
 * user sees it on the first screen whatever its size, while the pointer starts on the first product.
 */
export type DeploymentsEntry = {label: string; description: string; onChoose(): void};

type Props = {
	recipes: RecipeChoice[];
	initial?: string;
	deployments?: DeploymentsEntry;
	/** The columns and rows the screen may fill: the list wraps its descriptions and scrolls to fit. */
	width: number;
	height: number;
	onSelect(recipe: RecipeChoice): void;
	onQuit(): void;
};

export function RecipeScreen({recipes, initial, deployments, width, height, onSelect, onQuit}: Props) {
	const products: Array<SelectItem<RecipeChoice | 'deployments'>> = recipes.map(recipe => ({value: recipe, label: recipe.title, description: recipe.description}));
	const items = deployments ? [{value: 'deployments' as const, label: deployments.label, description: deployments.description}, ...products] : products;
	const offset = items.length - products.length;
	return (
		<Box flexDirection="column">
			<Text bold>Which product needs mutual TLS?</Text>
			<SelectList
				items={items}
				initialIndex={offset + Math.max(0, recipes.findIndex(recipe => recipe.id === initial))}
				width={width}
				height={height - 1}
				onSelect={choice => {
					if (choice === 'deployments') deployments?.onChoose();
					else onSelect(choice);
				}}
				onQuit={onQuit}
			/>
		</Box>
	);
}
