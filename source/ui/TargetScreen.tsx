
import {Box, Text} from 'ink';
import type {TargetId} from '../plan/types.js';
import type {EnvironmentReport, RecipeChoice} from '../wizard/types.js';
import {targetUnavailable} from '../environment/target-availability.js';
import {SelectList} from './SelectList.js';
import {wrapText} from './wrap-text.js';

type Props = {
	recipe: RecipeChoice;
	report: EnvironmentReport;
	initial?: TargetId;
	/** The columns and rows the screen may fill: the list wraps its descriptions and scrolls to fit. */
	width: number;
	height: number;
	onSelect(target: TargetId): void;
	onBack(): void;
	onQuit(): void;
};

/** Targets whose tools are missing stay listed, dimmed, with the reason; the bundle export is always there. */
export function TargetScreen({recipe, report, initial, width, height, onSelect, onBack, onQuit}: Props) {
	const heading = wrapText(`Where should ${recipe.title} be set up?`, width);
	return (
		<Box flexDirection="column">
			{heading.map(line => (
				<Text key={line} bold>
					{line}
				</Text>
			))}
			<SelectList
				items={recipe.targets.map(target => ({
					value: target.id,
					label: target.label,
					description: target.description,
					unavailable: targetUnavailable(target.id, report),
				}))}
				initialIndex={Math.max(0, recipe.targets.findIndex(target => target.id === initial))}
				width={width}
				height={height - heading.length}
				onSelect={onSelect}
				onBack={onBack}
				onQuit={onQuit}
			/>
		</Box>
	);
}
