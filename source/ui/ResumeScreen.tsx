
import {Box, Text} from 'ink';
import type {ResumableSession} from '../wizard/types.js';
import {SelectList} from './SelectList.js';
import {formatAge} from './format-time.js';

export type ResumeChoice = 'resume' | 'new' | 'discard';

type Props = {session: ResumableSession; now: Date; onChoice(choice: ResumeChoice): void; onQuit(): void};

export function ResumeScreen({session, now, onChoice, onQuit}: Props) {
	const where = `${session.recipe} on ${session.target} at step ${session.nextStep} of ${session.totalSteps}`;
	return (
		<Box flexDirection="column">
			<Text bold>An unfinished session was found.</Text>
			<SelectList<ResumeChoice>
				items={[
					{value: 'resume', label: `Resume ${where}`, description: `(saved ${formatAge(session.savedAt, now)})`},
					{value: 'new', label: 'Start new', description: 'keep the saved session for later'},
					{value: 'discard', label: 'Discard', description: 'forget the saved session and start new'},
				]}
				onSelect={onChoice}
				onQuit={onQuit}
			/>
		</Box>
	);
}
