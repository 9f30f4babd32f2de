
import {Box, Text} from 'ink';
import {wrapCommand} from '../exec/wrap-command.js';
import type {ReviewView} from '../wizard/types.js';
import {ScrollView, type ScrollLine} from './ScrollView.js';
import {SelectList} from './SelectList.js';
import {wrapText} from './wrap-text.js';

export type ReviewAction = 'run' | 'export' | 'back' | 'quit';

type Props = {review: ReviewView; width: number; height: number; onAction(action: ReviewAction): void};

/** Ids longer than this wrap their answer under them rather than push every answer to the right. */
const idColumn = 20;

function answerLines(review: ReviewView, width: number): ScrollLine[] {
	const column = Math.min(idColumn, Math.max(0, ...review.answers.map(answer => answer.id.length)));
	return review.answers.flatMap(answer => {
		const text = answer.shown === '' ? '(none)' : `${answer.shown}${answer.isDefault ? ' (default)' : ''}`;
		return wrapText(text, width, `  ${answer.id.padEnd(column)}  `, ' '.repeat(column + 4)).map(line => ({text: line}));
	});
}

/**
 * Answers and the certificates' names come first: a mistyped name shows there before it reaches a file. Paths and
 * commands are wrapped, not cut (commands only between arguments, so they paste whole): every argument of what
 * will run must be readable before it runs.
 */
function planLines(review: ReviewView, width: number): ScrollLine[] {
	return [
		{text: `Answers (${review.answers.length})`, heading: true},
		...answerLines(review, width),
		{text: 'Certificates', heading: true},
		...review.certificates.flatMap(line => wrapText(line, width, '  ', '    ').map(text => ({text}))),
		{text: `Files to write (${review.files.length}), under ${review.outDir}`, heading: true},
		...review.files.flatMap(file => wrapText(file.path, width, `  ${file.mode}  `, '        ').map(text => ({text}))),
		{text: `Commands to run (${review.commands.length})`, heading: true},
		...(review.commands.length === 0
			? [{text: '  none: nothing outside this machine changes'}]
			: review.commands.flatMap(command => wrapCommand(command, width, '  $ ', '      ').map(text => ({text})))),
		{text: 'The same plan without the wizard', heading: true},
		...(review.headless.note ? wrapText(review.headless.note, width, '  ').map(text => ({text})) : []),
		...wrapCommand(review.headless.command, width, '  $ ', '      ').map(text => ({text})),
	];
}

/** The plan before anything happens: the answers, what is written and what runs, secrets masked or redacted. */
export function ReviewScreen({review, width, height, onAction}: Props) {
	return (
		<Box flexDirection="column">
			<Text bold>
				Review: {review.steps.length} steps
			</Text>
			<ScrollView lines={planLines(review, width)} width={width} height={Math.max(3, height)} />
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
