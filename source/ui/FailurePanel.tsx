
import {Box, Text, useStdout} from 'ink';
import {wrapCommand} from '../exec/wrap-command.js';
import type {Failure} from './run-state.js';
import {SelectList} from './SelectList.js';
import {useTone} from './theme.js';
import {wrapText} from './wrap-text.js';

type Props = {failure: Failure; onRetry(): void; onChangeAnswers(): void; onQuit(): void};

/** Enough of the message to know what broke, within a 24-row screen; the full text is in the session and the headless output. */
const messageRows = 5;
const outputRows = 4;

/** What failed, the fix in plain words, the command (whole, to copy) and its last lines; then retry or quit (the session is saved). */
export function FailurePanel({failure, onRetry, onChangeAnswers, onQuit}: Props) {
	const tone = useTone();
	const {stdout} = useStdout();
	const width = (stdout.columns || 80) - 1;
	// A failed command's message starts with the command; it is shown whole below instead, where it can be copied.
	const command = failure.command;
	const said = command && failure.message.startsWith(command) ? `the command below${failure.message.slice(command.length)}` : failure.message;
	const message = `${failure.title}: ${said}`
		.split('\n')
		.flatMap((paragraph, i) => wrapText(paragraph, width, i === 0 ? '✘ ' : '  ', '  '));
	// What broke is at the start and the tool's last words at the end: a long message loses its middle.
	const shown = message.length > messageRows ? [message[0]!, '  …', ...message.slice(-(messageRows - 2))] : message;
	// Command failures already quote their last lines in the message; repeat only what it does not say.
	const output = failure.lastLines.filter(line => !failure.message.includes(line)).slice(-outputRows);
	return (
		<Box flexDirection="column" marginTop={1}>
			{shown.map((line, i) => (
				<Text key={String(i)} color={tone('red')} bold={i === 0} wrap="truncate-end">
					{line}
				</Text>
			))}
			{failure.hint ? (
				<Text wrap="wrap">
					<Text color={tone('yellow')}>Hint:</Text> {failure.hint}
				</Text>
			) : null}
			{command
				? wrapCommand(command, width, '$ ', '    ').map((line, i) => (
						<Text key={`command-${String(i)}`} dimColor wrap="truncate-end">
							{line}
						</Text>
					))
				: null}
			{output.map((line, i) => (
				<Text key={String(i)} dimColor wrap="truncate-end">
					{'  '}
					{line}
				</Text>
			))}
			<Box marginTop={1}>
				<SelectList
					items={[
						{value: 'retry', label: 'Retry this step'},
						{value: 'change', label: 'Change answers', description: '(review the new plan; valid steps kept)'},
						{value: 'quit', label: 'Quit', description: '(session saved; run mtls-wizard again to resume)'},
					]}
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
