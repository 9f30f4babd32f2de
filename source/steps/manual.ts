import type {ManualStep} from '../plan/types.js';
import type {StepRunner} from './types.js';

/** Runs nothing: the engine records the step to do by hand, and the end of the run lists its instructions. */
export const manualRunner: StepRunner<ManualStep> = {
	kind: 'manual',
	commands: () => [],
	async run(step) {
		return {detail: `to do by hand: ${step.instructions.join(' ')}`};
	},
};
