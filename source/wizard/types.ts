/**
 * What the interactive wizard shows and what it may ask for. The Ink screens depend on these types and on
 * nothing else of the project: the controller (create-controller.ts) maps recipes, plans, sessions and engine
 * events onto them, so screens can be tested against plain data and never run a command themselves.
 */
import type {EngineEvent} from '../engine-events.js';
import type {TargetId} from '../plan/types.js';

/** One line of the environment check; `checking` until its probe answers. */
export type Probe = {state: 'checking'} | {state: 'ok'; text: string} | {state: 'missing'; text: string};

export type EnvironmentReport = {
	kubectl: Probe;
	helm: Probe;
	docker: Probe;
	kubeContext: Probe;
	dockerEngine: Probe;
	dockerSwarm: Probe;
};

export type TargetChoice = {
	id: TargetId;
	label: string;
	description: string;
};

export type RecipeChoice = {
	id: string;
	title: string;
	description: string;
	targets: TargetChoice[];
};

export type QuestionView = {
	id: string;
	prompt: string;
	help?: string;
	/** Shown and used when the answer is left empty. */
	defaultValue?: string;
	secret: boolean;
	/** Asked twice, and the two must match (a passphrase that encrypts a key). */
	confirm?: boolean;
	/** When set, the answer is picked from these values instead of typed. */
	choices?: string[];
	/** How a choice is worded on screen, when it is not the value itself. */
	choiceLabels?: Record<string, string>;
	/** Not asked (yet): an answer still to give decides whether it is. It counts in "Question n of N" all the same. */
	pending?: true;
};

/** One answer as Review shows it. */
export type AnswerView = {
	id: string;
	/** The answer as the plan uses it; for a secret answer only a mask, never its value. Empty when not given. */
	shown: string;
	/** The recipe's default, left as it was. */
	isDefault: boolean;
};

/** The headless command that builds the same plan: one shell line, and what to export first for secret answers. */
export type HeadlessView = {command: string; note?: string};

export type ReviewView = {
	/** Every answer of the session, in the order asked. */
	answers: AnswerView[];
	/** The names each certificate will carry (CN, SANs), one line per certificate. */
	certificates: string[];
	headless: HeadlessView;
	/** Files the run writes: path and octal mode. */
	files: Array<{path: string; mode: string}>;
	/** Every command the run executes, shell-quoted, secrets redacted. */
	commands: string[];
	steps: StepView[];
	outDir: string;
};

export type StepView = {
	id: string;
	title: string;
	/** For confirmation steps: what they wait for, in words (the log line or the probe), shown while they run. */
	waitsFor?: string;
	/** A step a person does: the run only lists it, so it stays "to do" however the session records it. */
	manual?: boolean;
};

export type ResumableSession = {
	id: string;
	recipe: string;
	/** The recipe's title, as the recipe list shows it. */
	recipeTitle: string;
	target: TargetId;
	/** 1-based index of the first step not done. */
	nextStep: number;
	totalSteps: number;
	savedAt: Date;
	/**
	 * Asked before resuming: the secret answers (never saved) and, for a session awaiting the certificates a PKI
	 * signed (caMode=csr), the directory that holds them.
	 */
	resumeQuestions: QuestionView[];
};

/** The certificate of a deployment that expires first. */
export type ExpiryView = {
	file: string;
	notAfter: Date;
	/** Whole days left; negative once it has expired. */
	daysLeft: number;
};

/** What the wizard can do to a finished deployment (deployment-actions.ts): each builds the plan Review shows. */
export type DeploymentActionView = {
	id: string;
	/** What it does to the deployment, as the first screen's entry names it ("Renew or rotate a deployment"). */
	verb: string;
	label: string;
	description: string;
	/** Why it cannot be done to this deployment (a rotation of a deployment your own CA signed): listed, not chosen. */
	unavailable?: string;
};

/** A finished session: what it deployed, and when its certificates run out. */
export type DeploymentView = {
	id: string;
	recipe: string;
	recipeTitle: string;
	target: TargetId;
	/** When the session last saved: its last step finished then. */
	deployedAt: Date;
	/** Absent when no certificate of the deployment can be read; `expiryProblem` says why. */
	firstExpiry?: ExpiryView;
	expiryProblem?: string;
	actions: DeploymentActionView[];
	/** Asked before the plan is built: the secret answers the deployment's plan needs, never saved. */
	questions: QuestionView[];
};

export type CertificateView = {
	file: string;
	subject: string;
	notAfter: Date;
	fingerprint: string;
};

export type SummaryView = {
	certificates: CertificateView[];
	/** One line per step that changed something ("secret ns/name created"). */
	deployed: string[];
	manualSteps: string[][];
	/** What the local mutual-TLS handshake proved, one line per case; empty when the plan has none. */
	proved: string[];
	outDir: string;
	sessionId: string;
	headless: HeadlessView;
};

export type ExportView = {dir: string; files: string[]};

export type RunStart = {
	steps: Array<StepView & {done: boolean}>;
};

/** The only way the screens reach the rest of the program. Every method may be slow; none blocks rendering. */
export type WizardController = {
	checkEnvironment(onUpdate: (report: EnvironmentReport) => void): void;
	/** Every unfinished session that no process is running, newest first. */
	findResumable(): Promise<ResumableSession[]>;
	discardSession(id: string): Promise<void>;
	/** Every finished session, newest first, less those a later finished renewal superseded. */
	findDeployments(): Promise<DeploymentView[]>;
	/**
	 * Builds the plan of one of a deployment's actions (a renewal) with the secret answers given again, and reviews
	 * it as `review` does: startRun('reviewed'), exportBundle and saveReviewed then work on it.
	 */
	reviewDeployment(sessionId: string, actionId: string, secrets: Record<string, string>): Promise<ReviewView>;
	listRecipes(): Promise<RecipeChoice[]>;
	/** The questions that apply given the answers so far, in order, and those an answer still to give may add (pending). */
	questions(recipe: string, target: TargetId, answers: Record<string, string>): Promise<QuestionView[]>;
	/** A one-line problem with this answer, or undefined when it is fine. Empty means "use the default". */
	validateAnswer(
		recipe: string,
		target: TargetId,
		questionId: string,
		value: string,
		answers: Record<string, string>,
		/** The session being resumed, for the questions asked before resuming it. */
		sessionId?: string,
	): Promise<string | undefined>;
	review(recipe: string, target: TargetId, answers: Record<string, string>): Promise<ReviewView>;
	exportBundle(dir: string): Promise<ExportView>;
	/** Runs the reviewed plan, or resumes a saved session; events arrive through onEvent until run-finished. */
	startRun(from: {sessionId: string; secrets: Record<string, string>} | 'reviewed', onEvent: (event: EngineEvent) => void): Promise<RunStart>;
	/** Runs the failed step again, and the rest after it. */
	retry(onEvent: (event: EngineEvent) => void): Promise<RunStart>;
	/**
	 * The answers of the failed run, or of a saved session that cannot resume, to change: the next review continues
	 * that session with the new answers, and steps done that the change does not touch stay done.
	 */
	changeAnswers(from: 'run' | {sessionId: string; secrets: Record<string, string>}, message?: string): Promise<Revision>;
	summary(): Promise<SummaryView>;
	/**
	 * Saves the reviewed plan as a session with every step pending (non-secret answers only), so quitting on
	 * the review keeps it for `mtls-wizard resume`; resolves with the session id. After Change answers it updates the
	 * session whose answers changed instead (same id, directory and kube context; valid steps stay done).
	 */
	saveReviewed(): Promise<string>;
	/** Stops a running step and saves the session; resolves with the id to resume, if a session exists. */
	stop(): Promise<string | undefined>;
};

/** Answers to change after a failure; `question` is the one at fault, when the failure names it. */
export type Revision = {recipe: string; target: TargetId; answers: Record<string, string>; question?: string};

/** An error from review or startRun that names the answer at fault. */
export type AnswerFault = Error & {question?: string};
