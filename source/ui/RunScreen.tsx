
import {Box, Text} from 'ink';
import type {RunState} from './run-state.js';
import {formatProgress} from '../render/format-progress.js';
import {FailurePanel} from './FailurePanel.js';
import {StepList} from './StepList.js';
import {useKeys} from './use-keys.js';
import {useNow} from './use-now.js';
import {useTone} from './theme.js';

type Props = {state: RunState; onRetry(): void; onChangeAnswers(): void; onQuit(): void};

/** The run stopped for a PKI outside the wizard to sign: where the signed certificates go, and how to carry on. */
function AwaitingSignature({instructions, onQuit}: {instructions: string[]; onQuit(): void}) {
	const tone = useTone();
	useKeys((input, key) => {
		if (input === 'q' || key.return) onQuit();
	});
	return (
		<Box flexDirection="column" marginTop={1}>
			<Text color={tone('yellow')} bold>
				Waiting for your PKI: the keys and requests are made, the session is saved.
			</Text>
			{instructions.map((line, i) => (
				<Text key={String(i)} wrap="wrap">
					{line}
				</Text>
			))}
			<Text dimColor>Or start mtls-wizard again once they are there: it offers to resume and asks for the directory. Enter or q quits.</Text>
		</Box>
	);
}

/** The live step list, the running step's last lines, the log line being waited for; on failure, what to do next. */
export function RunScreen({state, onRetry, onChangeAnswers, onQuit}: Props) {
	const tone = useTone();
	const running = !state.finished;
	const now = useNow(200, running);
	const failure = state.finished ? state.failure : undefined;
	// The engine's own waiting-for event wins; otherwise the plan says what a running confirmation step waits for.
	const waiting = state.waiting
		? `waits ${state.waiting.timeoutSeconds}s for: ${state.waiting.description}`
		: state.steps.find(step => step.state === 'running')?.waitsFor;

	useKeys(input => {
		if (input === 'q') onQuit();
	}, running);

	return (
		<Box flexDirection="column">
			<StepList steps={state.steps} now={now} />
			{running && state.progress && state.steps.find(step => step.id === state.progress!.stepId)?.state === 'running' ? (
				<Text>
					<Text color={tone('cyan')}>progress:</Text> {formatProgress(state.progress)}
				</Text>
			) : null}
			{running && waiting ? (
				<Text wrap="wrap">
					<Text color={tone('cyan')}>confirmation:</Text> {waiting}
				</Text>
			) : null}
			{running && state.output.length > 0 ? (
				<Box flexDirection="column" marginLeft={2}>
					{state.output.map((line, i) => (
						<Text key={String(i)} dimColor wrap="truncate-end">
							{line}
						</Text>
					))}
				</Box>
			) : null}
			{failure ? <FailurePanel failure={failure} onRetry={onRetry} onChangeAnswers={onChangeAnswers} onQuit={onQuit} /> : null}
			{state.finished?.awaitingSignature ? <AwaitingSignature instructions={state.finished.awaitingSignature.instructions} onQuit={onQuit} /> : null}
		</Box>
	);
}
