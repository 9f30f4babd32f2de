
import {Box, Text} from 'ink';
import type {Failure} from './run-state.js';
import {SelectList} from './SelectList.js';
import {useTone} from './theme.js';

type Props = {failure: Failure; onRetry(): void; onQuit(): void};

/** What failed, the fix in plain words, the command and its last lines; then retry or quit (the session is saved). */
export function FailurePanel({failure, onRetry, onQuit}: Props) {
	const tone = useTone();
	return (
		<Box flexDirection="column" marginTop={1}>
			<Text color={tone('red')} bold wrap="wrap">
				✘ {failure.title}: {failure.message}
			</Text>
			{failure.hint ? (
				<Text wrap="wrap">
					<Text color={tone('yellow')}>Hint:</Text> {failure.hint}
				</Text>
			) : null}
			{failure.command ? (
				<Text wrap="truncate-end" dimColor>
					$ {failure.command}
				</Text>
			) : null}
			{failure.lastLines.slice(-5).map((line, i) => (
				<Text key={String(i)} dimColor wrap="truncate-end">
					{'  '}
					{line}
				</Text>
			))}
			<Box marginTop={1}>
				<SelectList
					items={[
						{value: 'retry', label: 'Retry this step'},
						{value: 'quit', label: 'Quit', description: '(session saved; run mtls-wizard again to resume)'},
					]}
					onSelect={choice => {
						if (choice === 'retry') onRetry();
						else onQuit();
					}}
					onQuit={onQuit}
				/>
			</Box>
		</Box>
	);
}
