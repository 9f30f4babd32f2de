
import {Box, Text} from 'ink';
import {wrapCommand} from '../exec/wrap-command.js';
import type {ReviewView} from '../wizard/types.js';
import {ScrollView, type ScrollLine} from './ScrollView.js';
import {listRows, SelectList, type SelectItem} from './SelectList.js';
import {wrapPath, wrapText} from './wrap-text.js';

export type ReviewAction = 'run' | 'export' | 'back' | 'quit';

/** `height`: the rows the whole screen may fill; the plan scrolls in what the actions under it leave. */
type Props = {review: ReviewView; width: number; height: number; onAction(action: ReviewAction): void};

const actions: Array<SelectItem<ReviewAction>> = [
	{value: 'run', label: 'Run it'},
	{value: 'export', label: 'Export the bundle instead', description: 'write files and apply.sh, run nothing'},
	{value: 'back', label: 'Back', description: 'change answers'},
	{value: 'quit', label: 'Quit', description: 'save the plan to run later'},
];

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
 * commands are wrapped, not cut (paths after a '/' with every character kept, commands only between arguments, so
 * they paste whole): every argument of what will run must be readable before it runs.
 */
function planLines(review: ReviewView, width: number): ScrollLine[] {
	return [
		{text: `Answers (${review.answers.length})`, heading: true},
		...answerLines(review, width),
		{text: 'Certificates', heading: true},
		...review.certificates.flatMap(line => wrapText(line, width, '  ', '    ').map(text => ({text}))),
		...wrapPath(review.outDir, width, `Files to write (${review.files.length}), under `, '  ').map(text => ({text, heading: true})),
		...review.files.flatMap(file => wrapPath(file.path, width, `  ${file.mode}  `, '        ').map(text => ({text}))),
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
			{/* The heading and the gap above the actions take the 2. */}
			<ScrollView lines={planLines(review, width)} width={width} height={Math.max(3, height - 2 - listRows(actions, width))} />
			<Box marginTop={1}>
				<SelectList<ReviewAction>
					items={actions}
					width={width}
					onSelect={onAction}
					onBack={() => onAction('back')}
					onQuit={() => onAction('quit')}
				/>
			</Box>
		</Box>
	);
}
