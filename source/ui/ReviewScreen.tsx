
import {Box, Text} from 'ink';
import type {ReviewView} from '../wizard/types.js';
import {ScrollView, type ScrollLine} from './ScrollView.js';
import {SelectList} from './SelectList.js';
import {wrapText} from './wrap-text.js';

export type ReviewAction = 'run' | 'export' | 'back' | 'quit';

type Props = {review: ReviewView; width: number; height: number; onAction(action: ReviewAction): void};

/** Paths and commands are wrapped, not cut: every argument of what will run must be readable before it runs. */
function planLines(review: ReviewView, width: number): ScrollLine[] {
	return [
		{text: `Files to write (${review.files.length}), under ${review.outDir}`, heading: true},
		...review.files.flatMap(file => wrapText(file.path, width, `  ${file.mode}  `, '        ').map(text => ({text}))),
		{text: `Commands to run (${review.commands.length})`, heading: true},
		...(review.commands.length === 0
			? [{text: '  none: nothing outside this machine changes'}]
			: review.commands.flatMap(command => wrapText(command, width, '  $ ', '      ').map(text => ({text})))),
	];
}

/** The plan before anything happens: what is written and what runs, secrets redacted by the planner's printer. */
export function ReviewScreen({review, width, height, onAction}: Props) {
	return (
		<Box flexDirection="column">
			<Text bold>
				Review: {review.steps.length} steps
			</Text>
			<ScrollView lines={planLines(review, width)} height={Math.max(3, height)} />
			<Box marginTop={1}>
				<SelectList<ReviewAction>
					items={[
						{value: 'run', label: 'Run it'},
						{value: 'export', label: 'Export the bundle instead', description: 'write files and apply.sh, run nothing'},
						{value: 'back', label: 'Back', description: 'change answers'},
						{value: 'quit', label: 'Quit', description: 'save the plan to run later'},
					]}
					onSelect={onAction}
					onBack={() => onAction('back')}
					onQuit={() => onAction('quit')}
				/>
			</Box>
		</Box>
	);
}
