import type {MarksKdf} from '../plan/step-digest.js';
import type {Plan} from '../plan/types.js';

/**
 * 'to-do': a step a person does elsewhere (a manual step), reached and listed by the run: finished as far as the engine
 * goes (resume does not stop at it), yet not done, so nothing counts it as done.
 */
export type SavedStepState = 'pending' | 'running' | 'done' | 'to-do' | 'failed';

export type SavedStep = {
	title: string;
	state: SavedStepState;
	startedAt?: string;
	finishedAt?: string;
	/** The step's one-line summary when done. */
	detail?: string;
	/** The failure message when failed (secrets and PEM blocks are redacted before saving). */
	error?: string;
	/** Paths of files the step produced, never their contents. */
	files?: string[];
	/** When done or to-do: the digest of the step as it was planned (plan/step-digest.ts), so a changed plan redoes it. */
	inputs?: string;
};

/**
 * How the last run of the session ended, or 'running' while a process works on it; 'not-started' for a plan
 * saved from the wizard's review before any step ran; 'awaiting-signature' when it stopped (caMode=csr) for a PKI
 * outside the wizard to sign its requests.
 */
export type SessionOutcome = 'not-started' | 'running' | 'interrupted' | 'failed' | 'not-confirmed' | 'awaiting-signature' | 'done';

/**
 * A finished deployment's first certificate to expire (steps/first-expiry.ts): the file, when, and a stamp of every
 * certificate file as they were then, so a list confirms it by stat rather than reading each certificate again.
 */
export type FirstExpiry = {file: string; notAfter: string; stamp: string};

/**
 * What a saved session holds. Never key material and never secret answers: only the ids of the secret
 * answers, so resume knows what to ask for again.
 */
export type Session = Pick<Plan, 'recipe' | 'recipeDigest' | 'target' | 'answers' | 'secretAnswers' | 'outDir' | 'renewal' | 'rotation'> & {
	version: 1;
	id: string;
	/** The kube --context the plan was built with, so resume rebuilds the same plan. */
	context?: string;
	/** The kube contexts of a plan run in several (--context repeated). */
	contexts?: string[];
	/**
	 * Random, hex: the key of the secret answers' hashes in step digests (plan/step-digest.ts secretMarks), so a changed
	 * secret redoes the steps that use it. Absent in sessions saved before it existed; their digests leave secrets out.
	 */
	digestSalt?: string;
	/** How the secret marks are derived from the salt (plan/step-digest.ts); absent in sessions made before scrypt, which keep the HMAC. */
	marksKdf?: MarksKdf;
	/** Where the run asked for the certificates a PKI signs (caMode=csr), while the session is awaiting them. */
	signedDir?: string;
	/** Step ids in plan order; progress is recorded by id, never by index. */
	stepOrder: string[];
	steps: Record<string, SavedStep>;
	outcome: SessionOutcome;
	/** Recorded when a run finishes done: the first of its certificates to expire. */
	firstExpiry?: FirstExpiry;
	/** The process working on the session while outcome is 'running'; a dead pid means it was killed. */
	pid?: number;
	createdAt: string;
	updatedAt: string;
};
