import type {EngineEvent} from '../engine-events.js';
import {formatDuration} from './format-duration.js';

type Progress = Extract<EngineEvent, {type: 'step-progress'}>;

/** "412 of 1000, 85.3/s, about 7.0s left": one status line for the text output and the TUI's run screen. */
export function formatProgress(progress: Pick<Progress, 'done' | 'total' | 'ratePerSecond' | 'etaSeconds'>): string {
	const left = progress.done === progress.total ? 'all done' : progress.etaSeconds === null ? 'time left not known yet' : `about ${formatDuration(progress.etaSeconds * 1000)} left`;
	return `${progress.done} of ${progress.total}, ${progress.ratePerSecond}/s, ${left}`;
}
