
import {Box, Text} from 'ink';
import Spinner from 'ink-spinner';
import type {StepRow} from './run-state.js';
import {formatElapsed} from './format-time.js';
import {useTone, type Tone} from './theme.js';

const marks: Record<Exclude<StepRow['state'], 'running'>, {mark: string; tone?: Tone}> = {
	pending: {mark: '·'},
	done: {mark: '✔', tone: 'green'},
	failed: {mark: '✘', tone: 'red'},
	skipped: {mark: '-', tone: 'gray'},
};

export function StepList({steps, now}: {steps: StepRow[]; now: number}) {
	const tone = useTone();
	return (
		<Box flexDirection="column">
			{steps.map(step => {
				const elapsed = step.state === 'running' && step.startedAt !== undefined ? now - step.startedAt : step.elapsedMs;
				const mark = step.state === 'running' ? undefined : marks[step.state];
				return (
					<Box key={step.id}>
						<Box width={2}>
							{mark ? (
								<Text color={mark.tone ? tone(mark.tone) : undefined}>{mark.mark}</Text>
							) : (
								<Text color={tone('cyan')}>
									<Spinner type="dots" />
								</Text>
							)}
						</Box>
						<Box flexGrow={1}>
							<Text dimColor={step.state === 'pending'} bold={step.state === 'running'} wrap="truncate-end">
								{step.title}
							</Text>
						</Box>
						{elapsed === undefined ? null : <Text dimColor> {formatElapsed(Math.max(0, elapsed))}</Text>}
					</Box>
				);
			})}
		</Box>
	);
}
