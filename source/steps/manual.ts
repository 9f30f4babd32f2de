import type {ManualStep} from '../plan/types.js';
import type {StepRunner} from './types.js';

export const manualRunner: StepRunner<ManualStep> = {
	kind: 'manual',
	commands: () => [],
	async run(step, context) {
		for (const line of step.instructions) context.output({line, stream: 'info'});
		return {detail: `to do by hand: ${step.instructions.join(' ')}`};
	},
};
