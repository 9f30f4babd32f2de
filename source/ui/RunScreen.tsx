
import {Box, Text} from 'ink';
import type {RunState} from './run-state.js';
import {formatProgress} from '../render/format-progress.js';
import {FailurePanel, failureLayout} from './FailurePanel.js';
import {StepList, stepListRows} from './StepList.js';
import {useKeys} from './use-keys.js';
import {useNow} from './use-now.js';
import {useTone} from './theme.js';
import {wrapIndented, wrapText} from './wrap-text.js';

/** `width` and `height`: the columns and rows the screen may fill. */
type Props = {state: RunState; width: number; height: number; onRetry(): void; onChangeAnswers(): void; onQuit(): void};

/** Rows the step list keeps beside the running step's output: the step the run is at and one around it. */
const stepRowsBeside = 3;

const awaitingTitle = 'Waiting for your PKI: the keys and requests are made, the session is saved.';
const awaitingFooter = 'Or start mtls-wizard again once they are there: it offers to resume and asks for the directory. Enter or q quits.';

/** The lines of the wait for signing, wrapped to the width (the gap above them is not counted). */
function awaitingLines(instructions: string[], width: number) {
	return {
		title: wrapText(awaitingTitle, width),
		instructions: instructions.flatMap(line => wrapIndented(line, width)),
		footer: wrapText(awaitingFooter, width),
	};
}

/** Wrapped lines whose first starts with `label`, which is coloured. */
function Labelled({label, lines}: {label: string; lines: string[]}) {
	const tone = useTone();
	return lines.map((line, i) => (
		<Text key={String(i)}>
			{i === 0 ? <Text color={tone('cyan')}>{label}</Text> : null}
			{i === 0 ? line.slice(label.length) : line}
		</Text>
	));
}

/** The run stopped for a PKI outside the wizard to sign: where the signed certificates go, and how to carry on. */
function AwaitingSignature({instructions, width, onQuit}: {instructions: string[]; width: number; onQuit(): void}) {
	const tone = useTone();
	useKeys((input, key) => {
		if (input === 'q' || key.return) onQuit();
	});
	const lines = awaitingLines(instructions, width);
	return (
		<Box flexDirection="column" marginTop={1}>
			{lines.title.map(line => (
				<Text key={line} color={tone('yellow')} bold>
					{line}
				</Text>
			))}
			{lines.instructions.map((line, i) => (
				<Text key={String(i)}>{line}</Text>
			))}
			{lines.footer.map(line => (
				<Text key={line} dimColor>
					{line}
				</Text>
			))}
		</Box>
	);
}

/**
 * The live step list, the running step's last lines, the log line being waited for; on failure, what to do
 * next. All of it within `height` rows: the output gives way first, then the list shows a window around the
 * step the run is at.
 */
export function RunScreen({state, width, height, onRetry, onChangeAnswers, onQuit}: Props) {
	const running = !state.finished;
	const now = useNow(200, running);
	const failure = state.finished ? state.failure : undefined;
	const awaiting = state.finished?.awaitingSignature;
	// The engine's own waiting-for event wins; otherwise the plan says what a running confirmation step waits for.
	const waiting = state.waiting
		? `waits ${state.waiting.timeoutSeconds}s for: ${state.waiting.description}`
		: state.steps.find(step => step.state === 'running')?.waitsFor;

	useKeys(input => {
		if (input === 'q') onQuit();
	}, running);

	// Beside a failure the list keeps only the failed step (and how many steps it leaves out above and below).
	const failureHeight = failure ? Math.max(0, height - stepListRows(state.steps, width, 1)) : 0;
	const awaitingRows = awaiting ? 1 + Object.values(awaitingLines(awaiting.instructions, width)).reduce((sum, lines) => sum + lines.length, 0) : 0;
	const belowRows = (failure ? failureLayout(failure, width, failureHeight).rows : 0) + awaitingRows;
	const progress =
		running && state.progress && state.steps.find(step => step.id === state.progress!.stepId)?.state === 'running'
			? wrapText(`progress: ${formatProgress(state.progress)}`, width)
			: [];
	const confirmation = running && waiting ? wrapText(`confirmation: ${waiting}`, width) : [];
	const room = Math.max(1, height - belowRows - progress.length - confirmation.length);
	const output = running ? state.output : [];
	// Two lines of output are worth more than steps already done; beyond that, the steps come first.
	const listed = stepListRows(state.steps, width, room);
	const outputRoom = Math.min(output.length, Math.max(room - listed, Math.min(2, room - stepRowsBeside)));
	const shownOutput = outputRoom > 0 ? output.slice(-outputRoom) : [];

	return (
		<Box flexDirection="column">
			<StepList steps={state.steps} now={now} width={width} height={room - shownOutput.length} />
			<Labelled label="progress:" lines={progress} />
			<Labelled label="confirmation:" lines={confirmation} />
			{shownOutput.length > 0 ? (
				<Box flexDirection="column" marginLeft={2}>
					{shownOutput.map((line, i) => (
						<Text key={String(i)} dimColor wrap="truncate-end">
							{line}
						</Text>
					))}
				</Box>
			) : null}
			{failure ? <FailurePanel failure={failure} width={width} height={failureHeight} onRetry={onRetry} onChangeAnswers={onChangeAnswers} onQuit={onQuit} /> : null}
			{awaiting ? <AwaitingSignature instructions={awaiting.instructions} width={width} onQuit={onQuit} /> : null}
		</Box>
	);
}
