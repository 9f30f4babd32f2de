import {isToDoByHand} from '../plan/manual-steps.js';
import {secretMarks, stepDigest} from '../plan/step-digest.js';
import type {Plan} from '../plan/types.js';
import {isPastStep} from './step-states.js';
import type {SavedStep, Session} from './types.js';

/**
 * Lines a saved session up with the plan it continues, which may differ from the one it was saved with (answers
 * changed after a failure, on resume): saved states are kept by step id, steps new to the plan start pending, and
 * a done step runs again when it was planned differently then, or with other secret answers. Everything after such
 * a step may depend on what it makes (a secret holds the certificates the first step issues), so it runs again too.
 * A step that runs again keeps the paths of the files it made, which it may replace (an answer that shaped them changed).
 */
export async function lineUpSession(session: Session, plan: Plan, secrets: Readonly<Record<string, string>>): Promise<Session> {
	const marks = await secretMarks(session.digestSalt, secrets, session.marksKdf);
	let redo = false;
	const steps: Record<string, SavedStep> = {};
	for (const step of plan.steps) {
		const recorded = session.steps[step.id] ?? {title: step.title, state: 'pending' as const};
		// Sessions saved before manual steps were recorded 'to-do' have them 'done'; the person may not have done them.
		const saved: SavedStep = recorded.state === 'done' && isToDoByHand(step) ? {...recorded, state: 'to-do'} : recorded;
		// A session saved before steps carried their inputs is trusted as it was.
		if (isPastStep(saved.state) && saved.inputs !== undefined && saved.inputs !== stepDigest(step, marks)) redo = true;
		steps[step.id] = redo && isPastStep(saved.state) ? {title: step.title, state: 'pending', ...(saved.files ? {files: saved.files} : {})} : saved;
	}

	session.answers = {...plan.answers};
	session.secretAnswers = [...plan.secretAnswers];
	session.stepOrder = plan.steps.map(step => step.id);
	session.steps = steps;
	return session;
}
