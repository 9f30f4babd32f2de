
import {Box, Text} from 'ink';
import type {TargetId} from '../plan/types.js';
import type {EnvironmentReport, RecipeChoice} from '../wizard/types.js';
import {targetUnavailable} from '../environment/target-availability.js';
import {SelectList} from './SelectList.js';

type Props = {recipe: RecipeChoice; report: EnvironmentReport; initial?: TargetId; onSelect(target: TargetId): void; onBack(): void; onQuit(): void};

/** Targets whose tools are missing stay listed, dimmed, with the reason; the bundle export is always there. */
export function TargetScreen({recipe, report, initial, onSelect, onBack, onQuit}: Props) {
	return (
		<Box flexDirection="column">
			<Text bold>Where should {recipe.title} be set up?</Text>
			<SelectList
				items={recipe.targets.map(target => ({
					value: target.id,
					label: target.label,
					description: target.description,
					unavailable: targetUnavailable(target.id, report),
				}))}
				initialIndex={Math.max(0, recipe.targets.findIndex(target => target.id === initial))}
				onSelect={onSelect}
				onBack={onBack}
				onQuit={onQuit}
			/>
		</Box>
	);
}
