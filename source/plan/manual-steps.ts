import type {Plan, StepKind} from './types.js';

/**
 * A manual step is one a person does elsewhere: a run reaches it and lists it, and it stays to do. The one rule the
 * engine records in the session ('to-do', never 'done'), the run screen and status show, and the summary lists.
 */
export function isToDoByHand<S extends {kind: StepKind}>(step: S): step is S & {kind: 'manual'} {
	return step.kind === 'manual';
}

/** The instructions of each manual step, in plan order: what the summary lists as left to do by hand. */
export function manualSteps(plan: Plan): string[][] {
	return plan.steps.flatMap(step => (isToDoByHand(step) ? [step.instructions] : []));
}
