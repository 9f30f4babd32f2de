
import {Box, Text} from 'ink';
import Spinner from 'ink-spinner';
import type {StepRow} from './run-state.js';
import {formatElapsed} from './format-time.js';
import {useTone, type Tone} from './theme.js';
import {wrapText} from './wrap-text.js';

type Mark = {mark: string; tone?: Tone};

/** The run only lists a manual step: the person has yet to do it. */
const toDo: Mark = {mark: '☐', tone: 'yellow'};

const marks: Record<Exclude<StepRow['state'], 'running'>, Mark> = {
	pending: {mark: '·'},
	done: {mark: '✔', tone: 'green'},
	'to-do': toDo,
	failed: {mark: '✘', tone: 'red'},
	skipped: {mark: '-', tone: 'gray'},
};

/** The mark's columns, and room for the longest suffix (" 12m05s", " to do"). */
const markWidth = 2;
const suffixWidth = 8;

/** A title is wrapped, never cut: each step takes as many rows as its title needs at this width. */
function titleLines(step: StepRow, width: number): string[] {
	return wrapText(step.title, Math.max(10, width - markWidth - suffixWidth));
}

/** The step the run is at: the running or failed one, else the first not done, else the last. */
function focusOf(steps: StepRow[]): number {
	const active = steps.findIndex(step => step.state === 'running' || step.state === 'failed');
	if (active !== -1) return active;
	const open = steps.findIndex(step => step.state === 'pending');
	return open === -1 ? steps.length - 1 : open;
}

/**
 * The steps shown in `height` rows: all when they fit, else a window around the step the run is at, with a
 * row above and below saying how many steps it leaves out.
 */
export function stepWindow(steps: StepRow[], width: number, height: number): {start: number; end: number} {
	const rows = steps.map(step => titleLines(step, width).length);
	const total = rows.reduce((sum, count) => sum + count, 0);
	if (total <= height || steps.length === 0) return {start: 0, end: steps.length};
	const focus = focusOf(steps);
	let start = focus;
	let end = focus + 1;
	let used = rows[focus]!;
	const fits = (nextStart: number, nextEnd: number, nextUsed: number) => nextUsed + (nextStart > 0 ? 1 : 0) + (nextEnd < steps.length ? 1 : 0) <= height;
	// One step of context before the focus, then what follows it, then the rest of what came before.
	if (start > 0 && fits(start - 1, end, used + rows[start - 1]!)) used += rows[--start]!;
	while (end < steps.length && fits(start, end + 1, used + rows[end]!)) used += rows[end++]!;
	while (start > 0 && fits(start - 1, end, used + rows[start - 1]!)) used += rows[--start]!;
	return {start, end};
}

/** How many rows the list takes in `height` rows at this width. */
export function stepListRows(steps: StepRow[], width: number, height: number): number {
	const {start, end} = stepWindow(steps, width, height);
	const shown = steps.slice(start, end).reduce((sum, step) => sum + titleLines(step, width).length, 0);
	return shown + (start > 0 ? 1 : 0) + (end < steps.length ? 1 : 0);
}

export function StepList({steps, now, width, height}: {steps: StepRow[]; now: number; width: number; height: number}) {
	const tone = useTone();
	const {start, end} = stepWindow(steps, width, height);
	return (
		<Box flexDirection="column">
			{start > 0 ? <Text dimColor>… {start} {start === 1 ? 'step' : 'steps'} above</Text> : null}
			{steps.slice(start, end).map(step => {
				const elapsed = step.state === 'running' && step.startedAt !== undefined ? now - step.startedAt : step.elapsedMs;
				const mark = step.manual ? toDo : step.state === 'running' ? undefined : marks[step.state];
				return (
					<Box key={step.id}>
						<Box width={markWidth} flexShrink={0}>
							{mark ? (
								<Text color={mark.tone ? tone(mark.tone) : undefined}>{mark.mark}</Text>
							) : (
								<Text color={tone('cyan')}>
									<Spinner type="dots" />
								</Text>
							)}
						</Box>
						<Box flexGrow={1} flexDirection="column">
							{titleLines(step, width).map((line, i) => (
								<Text key={String(i)} dimColor={step.state === 'pending' && !step.manual} bold={step.state === 'running'}>
									{line}
								</Text>
							))}
						</Box>
						{step.manual ? (
							<Text color={tone('yellow')}> to do</Text>
						) : elapsed === undefined ? null : (
							<Text dimColor> {formatElapsed(Math.max(0, elapsed))}</Text>
						)}
					</Box>
				);
			})}
			{end < steps.length ? <Text dimColor>… {steps.length - end} more below</Text> : null}
		</Box>
	);
}
