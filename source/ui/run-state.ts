import type {EngineEvent, StepState} from '../engine-events.js';
import {isToDoByHand} from '../plan/manual-steps.js';
import type {RunStart} from '../wizard/types.js';

export type StepRow = {
	id: string;
	title: string;
	state: StepState;
	startedAt?: number;
	elapsedMs?: number;
	detail?: string;
	waitsFor?: string;
	/** A step a person does (plan/manual-steps.ts): shown as to do from the start; the engine ends it 'to-do', never 'done'. */
	manual?: boolean;
};

export type Failure = {
	stepId: string;
	title: string;
	message: string;
	hint?: string;
	command?: string;
	lastLines: string[];
	exitCode: number;
};

export type RunState = {
	steps: StepRow[];
	/** The running step's latest output lines. */
	output: string[];
	waiting?: {stepId: string; description: string; timeoutSeconds: number};
	/** The running step's latest n of N (a fleet's certificates). */
	progress?: {stepId: string; done: number; total: number; ratePerSecond: number; etaSeconds: number | null};
	failure?: Failure;
	finished?: {exitCode: number; manualSteps: string[][]; awaitingSignature?: {stepId: string; instructions: string[]}};
};

export const outputLines = 5;

export function initialRunState(start: RunStart): RunState {
	return {
		steps: start.steps.map(step => ({
			id: step.id,
			title: step.title,
			state: step.done ? 'done' : 'pending',
			...(step.waitsFor ? {waitsFor: step.waitsFor} : {}),
			...(step.manual ? {manual: true} : {}),
		})),
		output: [],
	};
}

function updateStep(state: RunState, stepId: string, change: Partial<StepRow>): StepRow[] {
	return state.steps.map(step => (step.id === stepId ? {...step, ...change} : step));
}

/** Folds one engine event into what the run screen shows. `now` is when the event arrived. */
export function applyEngineEvent(state: RunState, event: EngineEvent, now: number): RunState {
	switch (event.type) {
		case 'run-started': {
			return {...state, failure: undefined, finished: undefined};
		}

		case 'step-started': {
			const known = state.steps.some(step => step.id === event.stepId);
			const steps = known ? state.steps : [...state.steps, {id: event.stepId, title: event.title, state: 'pending' as const}];
			return {
				...state,
				steps: updateStep({...state, steps}, event.stepId, {
					state: 'running',
					title: event.title,
					startedAt: now,
					elapsedMs: undefined,
					...(isToDoByHand(event) ? {manual: true} : {}),
				}),
				output: [],
				waiting: undefined,
				progress: undefined,
				failure: undefined,
			};
		}

		case 'step-progress': {
			const {stepId, done, total, ratePerSecond, etaSeconds} = event;
			return {...state, progress: {stepId, done, total, ratePerSecond, etaSeconds}};
		}

		case 'step-output': {
			return {...state, output: [...state.output, event.line].slice(-outputLines)};
		}

		case 'waiting-for': {
			return {...state, waiting: {stepId: event.stepId, description: event.description, timeoutSeconds: event.timeoutSeconds}};
		}

		case 'step-done': {
			return {...state, steps: updateStep(state, event.stepId, {state: 'done', elapsedMs: event.elapsedMs, detail: event.detail}), waiting: undefined};
		}

		case 'step-to-do': {
			return {...state, steps: updateStep(state, event.stepId, {state: 'to-do', manual: true, elapsedMs: undefined}), waiting: undefined};
		}

		case 'step-skipped': {
			return {...state, steps: updateStep(state, event.stepId, {state: 'skipped', detail: event.reason})};
		}

		case 'step-failed': {
			const step = state.steps.find(row => row.id === event.stepId);
			return {
				...state,
				steps: updateStep(state, event.stepId, {state: 'failed', elapsedMs: step?.startedAt === undefined ? undefined : now - step.startedAt}),
				waiting: undefined,
				failure: {
					stepId: event.stepId,
					title: step?.title ?? event.stepId,
					message: event.message,
					hint: event.hint,
					command: event.command,
					lastLines: event.lastLines,
					exitCode: event.exitCode,
				},
			};
		}

		case 'run-finished': {
			// A run can end badly without a step failing (a broken session, an engine error): still say so.
			const failure =
				state.failure ?? (event.exitCode === 0 ? undefined : {stepId: '', title: 'The run', message: `ended with exit code ${event.exitCode}`, lastLines: [], exitCode: event.exitCode});
			const awaiting = event.awaitingSignature;
			if (awaiting) {
				// The step is not done: it runs again, with the signed certificates, when the session is resumed.
				return {...state, steps: updateStep(state, awaiting.stepId, {state: 'pending', startedAt: undefined}), failure, finished: {exitCode: event.exitCode, manualSteps: [], awaitingSignature: awaiting}};
			}

			return {...state, failure, finished: {exitCode: event.exitCode, manualSteps: event.manualSteps}};
		}
	}
}
