import type {Plan} from './types.js';

/** The instructions of each manual step, in plan order: what the summary lists as left to do by hand. */
export function manualSteps(plan: Plan): string[][] {
	return plan.steps.flatMap(step => (step.kind === 'manual' ? [step.instructions] : []));
}
