import type {StepContext} from './types.js';

/** The signal that ends a confirmation step's wait: the context's deadline where a test sets one, else the wall clock. */
export function waitDeadline(context: StepContext, seconds: number): AbortSignal {
	return context.deadline?.(seconds) ?? AbortSignal.timeout(seconds * 1000);
}
