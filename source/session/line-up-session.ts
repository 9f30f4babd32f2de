import {stepDigest} from '../plan/step-digest.js';
import type {Plan} from '../plan/types.js';
import type {SavedStep, Session} from './types.js';

/**
 * Lines a saved session up with the plan it continues, which may differ from the one it was saved with (answers
 * changed after a failure, on resume): saved states are kept by step id, steps new to the plan start pending, and
 * a done step runs again when it was planned differently then. Everything after such a step may depend on what it
 * makes (a secret holds the certificates the first step issues), so it runs again too.
 */
export function lineUpSession(session: Session, plan: Plan): Session {
	let redo = false;
	const steps: Record<string, SavedStep> = {};
	for (const step of plan.steps) {
		const saved = session.steps[step.id] ?? {title: step.title, state: 'pending' as const};
		// A session saved before steps carried their inputs is trusted as it was.
		if (saved.state === 'done' && saved.inputs !== undefined && saved.inputs !== stepDigest(step)) redo = true;
		steps[step.id] = redo && saved.state === 'done' ? {title: step.title, state: 'pending'} : saved;
	}

	session.answers = {...plan.answers};
	session.secretAnswers = [...plan.secretAnswers];
	session.stepOrder = plan.steps.map(step => step.id);
	session.steps = steps;
	return session;
}
