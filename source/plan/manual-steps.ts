import type {Plan, Step} from './types.js';

/**
 * A manual step is one a person does elsewhere: a run reaches it and lists it, and it stays to do. The one rule the
 * engine records in the session ('to-do', never 'done') and every display shows.
 */
export function isToDoByHand(step: Pick<Step, 'kind'>): boolean {
	return step.kind === 'manual';
}

/** The instructions of each manual step, in plan order: what the summary lists as left to do by hand. */
export function manualSteps(plan: Plan): string[][] {
	return plan.steps.flatMap(step => (step.kind === 'manual' ? [step.instructions] : []));
}
