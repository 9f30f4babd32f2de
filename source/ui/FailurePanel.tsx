
import {Box, Text} from 'ink';
import {wrapCommand} from '../exec/wrap-command.js';
import type {Failure} from './run-state.js';
import {listRows, SelectList, type SelectItem} from './SelectList.js';
import {useTone} from './theme.js';
import {wrapText} from './wrap-text.js';

type Props = {failure: Failure; width: number; height: number; onRetry(): void; onChangeAnswers(): void; onQuit(): void};

/** Enough of the message to know what broke; the full text is in the session and the headless output. */
const messageRows = 5;
const outputRows = 4;

type Choice = 'retry' | 'change' | 'quit';

const choices: Array<SelectItem<Choice>> = [
	{value: 'retry', label: 'Retry this step'},
	{value: 'change', label: 'Change answers', description: '(review the new plan; valid steps kept)'},
	{value: 'quit', label: 'Quit', description: '(session saved; run mtls-wizard again to resume)'},
];

/**
 * What the panel shows in `height` rows: the hint, the command and the choices whole; the message and the tool's
 * last lines share the rest. What broke is at the start of a message and the tool's last words at its end, so a
 * long message loses its middle.
 */
export function failureLayout(failure: Failure, width: number, height: number) {
	// A failed command's message starts with the command; it is shown whole below instead, where it can be copied.
	const said = failure.command && failure.message.startsWith(failure.command) ? `the command below${failure.message.slice(failure.command.length)}` : failure.message;
	const message = `${failure.title}: ${said}`
		.split('\n')
		.flatMap((paragraph, i) => wrapText(paragraph, width, i === 0 ? '✘ ' : '  ', '  '));
	const hint = failure.hint ? wrapText(`Hint: ${failure.hint}`, width) : [];
	const command = failure.command ? wrapCommand(failure.command, width, '$ ', '    ') : [];
	// Command failures already quote their last lines in the message; repeat only what it does not say.
	const output = failure.lastLines.filter(line => !failure.message.includes(line));
	// The gaps above the panel and above the choices; a screen too short for a line of message loses the second.
	const choiceRows = listRows(choices, width);
	const gaps = height - (2 + hint.length + command.length + choiceRows) >= 1 ? 2 : 1;
	const fixed = gaps + hint.length + command.length + choiceRows;
	const room = Math.max(1, height - fixed);
	const messageRoom = Math.max(1, Math.min(messageRows, message.length, room - Math.min(output.length, 2)));
	const tail = messageRoom > 2 ? message.slice(-(messageRoom - 2)) : [];
	const shown = message.length > messageRoom ? [message[0]!, '  …', ...tail].slice(0, messageRoom) : message;
	const outputRoom = Math.max(0, Math.min(outputRows, room - shown.length));
	const lastLines = outputRoom === 0 ? [] : output.slice(-outputRoom);
	return {message: shown, hint, command, output: lastLines, gapAboveChoices: gaps === 2, rows: fixed + shown.length + lastLines.length};
}

/** What failed, the fix in plain words, the command (whole, to copy) and its last lines; then retry or quit (the session is saved). */
export function FailurePanel({failure, width, height, onRetry, onChangeAnswers, onQuit}: Props) {
	const tone = useTone();
	const {message, hint, command, output, gapAboveChoices} = failureLayout(failure, width, height);
	return (
		<Box flexDirection="column" marginTop={1}>
			{message.map((line, i) => (
				<Text key={String(i)} color={tone('red')} bold={i === 0} wrap="truncate-end">
					{line}
				</Text>
			))}
			{hint.map((line, i) => (
				<Text key={String(i)}>
					{i === 0 ? <Text color={tone('yellow')}>Hint:</Text> : null}
					{i === 0 ? line.slice('Hint:'.length) : line}
				</Text>
			))}
			{command.map((line, i) => (
				<Text key={`command-${String(i)}`} wrap="truncate-end" dimColor>
					{line}
				</Text>
			))}
			{output.map((line, i) => (
				<Text key={String(i)} dimColor wrap="truncate-end">
					{'  '}
					{line}
				</Text>
			))}
			<Box marginTop={gapAboveChoices ? 1 : 0}>
				<SelectList
					items={choices}
					width={width}
					onSelect={choice => {
						if (choice === 'retry') onRetry();
						else if (choice === 'change') onChangeAnswers();
						else onQuit();
					}}
					onQuit={onQuit}
				/>
			</Box>
		</Box>
	);
}
