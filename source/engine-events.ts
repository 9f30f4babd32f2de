/**
 * What the engine reports while it runs a plan. The Ink UI and the headless runner (text or --json)
 * are two renderers of these events; neither runs a command itself.
 */
import type {StepKind} from './plan/types.js';

export type StepState = 'pending' | 'running' | 'done' | 'to-do' | 'failed' | 'skipped';

export type EngineEvent =
	| {type: 'run-started'; sessionId: string; recipe: string; target: string; total: number; resumedAt?: number}
	| {type: 'step-started'; stepId: string; kind: StepKind; title: string; index: number; total: number}
	| {type: 'step-output'; stepId: string; line: string; stream: 'stdout' | 'stderr' | 'info'}
	/** n of N items of a step (a fleet's certificates), the rate since the step started and the time left at that rate. */
	| {type: 'step-progress'; stepId: string; done: number; total: number; ratePerSecond: number; etaSeconds: number | null}
	| {type: 'waiting-for'; stepId: string; description: string; timeoutSeconds: number}
	| {type: 'step-done'; stepId: string; detail?: string; elapsedMs: number}
	| {type: 'step-skipped'; stepId: string; reason: string}
	/** A manual step reached (now or in an earlier run of the session): listed for a person to do, never done. */
	| {type: 'step-to-do'; stepId: string}
	| {
			type: 'step-failed';
			stepId: string;
			message: string;
			hint?: string;
			/** The failing command, shell-quoted, secrets redacted. */
			command?: string;
			lastLines: string[];
			exitCode: number;
	  }
	| {
			type: 'run-finished';
			sessionId: string;
			exitCode: number;
			manualSteps: string[][];
			/** The run stopped (exit 0) for a PKI outside the wizard to sign: where the certificates go, how to carry on. */
			awaitingSignature?: {stepId: string; instructions: string[]};
	  };
