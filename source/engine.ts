/**
 * Runs a plan step by step, saves the session after every change of state and reports what happens as
 * engine events. It prints nothing and knows no renderer: the text, JSON and Ink renderers consume the events.
 */
import type {EngineEvent} from './engine-events.js';
import {exitCodes, InterruptedError, NotConfirmedError, StepFailedError, WizardError} from './errors.js';
import {describeFault, faultPath, isFileSystemFault} from './exec/file-system-fault.js';
import {readFile} from 'node:fs/promises';
import {dirname} from 'node:path';
import {answerRedactor, keyMaterialRedactor} from './exec/redact.js';
import {filesByEnd, namedFiles} from './named-files.js';
import type {CommandResult, CommandSpec, OutputLine} from './exec/types.js';
import {isDeploymentStep} from './plan/deployment-steps.js';
import {isToDoByHand, manualSteps} from './plan/manual-steps.js';
import {secretMarks, stepDigest} from './plan/step-digest.js';
import type {Plan, Step} from './plan/types.js';
import {isPastStep} from './session/step-states.js';
import type {Session} from './session/types.js';
import {certificateFiles, readFirstExpiry} from './steps/first-expiry.js';
import type {StepContext, StepOutcome, StepRunner} from './steps/types.js';

/** The exec layer as the engine sees it: run a command (rejecting with StepFailedError on a bad exit) and show one. */
export type ExecLayer = {
	run(command: CommandSpec, options: {env: NodeJS.ProcessEnv; signal: AbortSignal; onLine(line: OutputLine): void}): Promise<CommandResult>;
	quote(command: CommandSpec): string;
};

export type EngineOptions = {
	plan: Plan;
	/** The progress record; the engine updates it and calls `save` after every change. */
	session: Session;
	secrets: Readonly<Record<string, string>>;
	env: NodeJS.ProcessEnv;
	signal: AbortSignal;
	emit(event: EngineEvent): void;
	save(session: Session): Promise<void>;
	runnerFor(step: Step): StepRunner<Step>;
	exec: ExecLayer;
};

/** How many output lines a failure report keeps. */
const keptLines = 20;

/**
 * Test-only: MTLS_WIZARD_TEST_PAUSE_BEFORE=<step id> makes the engine mark that step running, save, print a
 * marker line and wait until interrupted, so crash and Ctrl-C tests can stop a run at a known point.
 * MTLS_WIZARD_TEST_PAUSE_AFTER=<step id> does the same once the step has done its work but before the session
 * records it: the window where a killed run leaves the step's effects without their record.
 */
const testPauseVariable = 'MTLS_WIZARD_TEST_PAUSE_BEFORE';
const testPauseAfterVariable = 'MTLS_WIZARD_TEST_PAUSE_AFTER';
export const testPauseMarker = 'test pause before step';
export const testPauseAfterMarker = 'test pause after step';

function now(): string {
	return new Date().toISOString();
}

/** Refuses a deployment step unless a verify-handshake step before it passed in this session. */
function checkHandshakeProved(plan: Plan, session: Session, index: number): void {
	const step = plan.steps[index]!;
	// Deployment steps never run before the certificates proved themselves.
	if (!isDeploymentStep(step)) return;
	const verifications = plan.steps.slice(0, index).filter(s => s.kind === 'verify-handshake');
	if (verifications.length === 0) {
		throw new StepFailedError(
			`refusing to run ${step.id}: the plan deploys without a verify-handshake step before it`,
			step.id,
			'This is a bug in the recipe or the planner: certificates must pass a local mutual-TLS handshake before they are deployed.',
		);
	}

	const unproved = verifications.find(s => session.steps[s.id]?.state !== 'done');
	if (unproved) {
		throw new StepFailedError(
			`refusing to run ${step.id}: the local mutual-TLS handshake (${unproved.id}) has not passed in this session`,
			step.id,
			'Run the plan from the start, or resume the session so the handshake runs first.',
		);
	}
}

/** Rejects with InterruptedError once the signal aborts; `dispose` removes the listener so none pile up step after step. */
function abortPromise(signal: AbortSignal): {promise: Promise<never>; dispose(): void} {
	let onAbort = () => undefined as void;
	const promise = new Promise<never>((_resolve, reject) => {
		onAbort = () => reject(new InterruptedError());
		if (signal.aborted) onAbort();
		else signal.addEventListener('abort', onAbort, {once: true});
	});
	return {promise, dispose: () => signal.removeEventListener('abort', onAbort)};
}

async function pauseForTest(signal: AbortSignal): Promise<never> {
	// A pending promise alone does not keep Node alive; the timer does until the test interrupts or kills us.
	const keepAlive = setInterval(() => undefined, 60_000);
	const aborted = abortPromise(signal);
	try {
		return await aborted.promise;
	} finally {
		clearInterval(keepAlive);
		aborted.dispose();
	}
}

type Failure = {message: string; hint?: string; lastLines?: string[]; exitCode: number};

function describeFailure(error: unknown): Failure {
	if (error instanceof NotConfirmedError) {
		return {message: error.message, hint: error.hint, lastLines: error.lastLines, exitCode: error.exitCode};
	}

	if (error instanceof StepFailedError) return {message: error.message, hint: error.hint, exitCode: error.exitCode};
	if (error instanceof WizardError) return {message: error.message, exitCode: error.exitCode};
	if (isFileSystemFault(error)) {
		const path = faultPath(error, 'a file this step writes');
		return {message: `${path} ${describeFault(error)}.`, hint: 'Free space or fix the mount or permissions, then continue with mtls-wizard resume.', exitCode: exitCodes.stepFailed};
	}

	return {message: error instanceof Error ? error.message : String(error), exitCode: exitCodes.stepFailed};
}

/** Progress at most every 100 ms, and always the first and the last, so a fleet of thousands stays a few events a second. */
const progressEveryMs = 100;

function progressReporter(stepId: string, started: number, emit: (event: EngineEvent) => void): (done: number, total: number) => void {
	let last = 0;
	return (done, total) => {
		const now = Date.now();
		if (done !== 0 && done !== total && now - last < progressEveryMs) return;
		last = now;
		const seconds = Math.max(now - started, 1) / 1000;
		const ratePerSecond = done / seconds;
		emit({
			type: 'step-progress',
			stepId,
			done,
			total,
			ratePerSecond: Math.round(ratePerSecond * 10) / 10,
			etaSeconds: ratePerSecond === 0 ? null : Math.round((total - done) / ratePerSecond),
		});
	};
}

type Attempt = {outcome: StepOutcome} | {error: unknown};

/** A step under way. `held` collects its events until every step before it has finished (undefined after). */
type StepRun = {
	index: number;
	step: Step;
	hide(text: string): string;
	started: number;
	startedAt: string;
	held: EngineEvent[] | undefined;
	/** Stops this step alone: a step before it ended the run. */
	stop: AbortController;
	lastLines: string[];
	lastCommand?: string;
	/** What starts when the step is marked running: the clock of its wait. */
	onMarked: Array<() => void>;
	attempt?: Promise<Attempt>;
};

async function readSecretFiles(paths: string[]): Promise<string[]> {
	const contents = await Promise.all(paths.map(async path => readFile(path, 'utf8').catch(() => undefined)));
	return contents.filter((content): content is string => content !== undefined);
}

/** Runs the plan from its first unfinished step; resolves to the exit code (0, 1, 2, 3 or 130). */
export async function runPlan(options: EngineOptions): Promise<number> {
	const {plan, session, emit, signal} = options;
	// Tools may echo what they were given (a rejected manifest, a container's log): no renderer ever sees a secret
	// answer, nor key material from a file the plan marks secret (rebuilt before each step, as those files appear).
	const hideAnswers = answerRedactor(options.secrets);
	// Steps after the certificates read the same key files: their redactor (every 64-character window of each key) is built once.
	const keyRedactors = new Map<string, (text: string) => string>();
	const keyRedactorFor = (contents: string[]) => {
		const key = contents.join('\0');
		let redactor = keyRedactors.get(key);
		if (!redactor) {
			redactor = keyMaterialRedactor(contents);
			keyRedactors.set(key, redactor);
		}

		return redactor;
	};
	const secretFiles = [...new Set(plan.steps.flatMap(step => (options.runnerFor(step).files?.(step) ?? []).filter(file => file.mode === 0o600).map(file => file.path)))];
	// A fleet agent's key reaches a tool only through a step planned for that agent, which names the file; indexing
	// every agent's key for every step would grow with the fleet (each key is thousands of windows).
	const agentDirs = new Set(plan.steps.flatMap(step => (step.kind === 'issue-certificates' ? step.leaves.flatMap(leaf => (leaf.dir ? [leaf.dir] : [])) : [])));
	// A lookup per ancestor of the file, not a scan of every agent's directory per file: N keys by N directories took
	// a fifth of a second of the main thread at N=1000. The plan's paths are joined, so normalized.
	const inAgentDir = (file: string) => {
		for (let dir = dirname(file); ; dir = dirname(dir)) {
			if (agentDirs.has(dir)) return true;
			if (dirname(dir) === dir) return false;
		}
	};
	const sharedSecretFiles = agentDirs.size === 0 ? secretFiles : secretFiles.filter(file => !inAgentDir(file));
	const agentSecretFiles = agentDirs.size === 0 ? [] : secretFiles.filter(inAgentDir);
	const agentSecretFilesByEnd = filesByEnd(agentSecretFiles);
	const secretFilesFor = (step: Step) => {
		if (agentSecretFiles.length === 0) return sharedSecretFiles;
		return [...sharedSecretFiles, ...namedFiles(JSON.stringify(step), agentSecretFilesByEnd)];
	};
	const total = plan.steps.length;
	const firstOpen = plan.steps.findIndex(step => !isPastStep(session.steps[step.id]?.state));
	const marks = await secretMarks(session.digestSalt, options.secrets, session.marksKdf);
	emit({
		type: 'run-started',
		sessionId: session.id,
		recipe: plan.recipe,
		target: plan.target,
		total,
		...(firstOpen > 0 ? {resumedAt: firstOpen + 1} : {}),
	});

	const finish = async (exitCode: number, outcome: Session['outcome'], awaitingSignature?: {stepId: string; instructions: string[]; signedDir: string}): Promise<number> => {
		session.outcome = outcome;
		delete session.pid;
		if (awaitingSignature) session.signedDir = awaitingSignature.signedDir;
		else delete session.signedDir;
		const finished = exitCode === exitCodes.ok && !awaitingSignature;
		// Read once here, so listing deployments later confirms it by stat instead of reading every certificate again.
		const firstExpiry = finished ? await readFirstExpiry(certificateFiles(plan)) : undefined;
		if (firstExpiry) session.firstExpiry = firstExpiry;
		else delete session.firstExpiry;
		await options.save(session);
		emit({
			type: 'run-finished',
			sessionId: session.id,
			exitCode,
			manualSteps: finished ? manualSteps(plan) : [],
			...(awaitingSignature ? {awaitingSignature: {stepId: awaitingSignature.stepId, instructions: awaitingSignature.instructions}} : {}),
		});
		return exitCode;
	};

	const startedEvent = (run: StepRun): EngineEvent => ({type: 'step-started', stepId: run.step.id, kind: run.step.kind, title: run.step.title, index: run.index + 1, total});

	/** The step is running as far as the session and the renderers know. */
	const mark = async (run: StepRun): Promise<void> => {
		const saved = (session.steps[run.step.id] ??= {title: run.step.title, state: 'pending'});
		saved.title = run.step.title;
		saved.state = 'running';
		saved.startedAt = run.startedAt;
		delete saved.finishedAt;
		delete saved.error;
		await options.save(session);
		const held = run.held ?? [];
		run.held = undefined;
		for (const arm of run.onMarked) arm();
		emit(startedEvent(run));
		for (const event of held) emit(event);
	};

	/**
	 * Starts a step's runner. A step started alongside the one before it (Step.alongsidePrevious) holds its events
	 * and leaves the session alone until it is marked, once every step before it has finished: renderers and the
	 * session see the plan's order whatever runs at once, and what such a step did counts only once marked.
	 */
	const start = async (index: number, first: boolean): Promise<StepRun> => {
		const step = plan.steps[index]!;
		// Key material from a file the plan marks secret is read before each step, as those files appear.
		const hideKeys = keyRedactorFor(await readSecretFiles(secretFilesFor(step)));
		const hide = (text: string) => hideKeys(hideAnswers(text));
		const run: StepRun = {index, step, hide, started: Date.now(), startedAt: now(), held: [], stop: new AbortController(), lastLines: [], onMarked: []};
		// What a redone step made before: it may replace a key the session made itself.
		const earlierFiles = session.steps[step.id]?.files;
		const stepEmit = (event: EngineEvent) => (run.held ? run.held.push(event) : emit(event));
		if (first) await mark(run);
		const stepSignal = AbortSignal.any([signal, run.stop.signal]);
		const output = (line: OutputLine | {line: string; stream: 'info'}) => {
			const shown = hide(line.line);
			run.lastLines.push(shown);
			if (run.lastLines.length > keptLines) run.lastLines.shift();
			stepEmit({type: 'step-output', stepId: step.id, line: shown, stream: line.stream});
		};

		const context: StepContext = {
			sessionId: session.id,
			...(earlierFiles ? {earlierFiles} : {}),
			secrets: options.secrets,
			env: options.env,
			signal: stepSignal,
			output,
			progress: progressReporter(step.id, run.started, stepEmit),
			waitingFor(description, timeoutSeconds) {
				stepEmit({type: 'waiting-for', stepId: step.id, description: hide(description), timeoutSeconds});
			},
			// A wait gets its whole time from when it would have started in turn, however early it began following.
			deadline(seconds) {
				const deadline = new AbortController();
				const arm = () => setTimeout(() => deadline.abort(), seconds * 1000).unref();
				if (run.held) run.onMarked.push(arm);
				else arm();
				return deadline.signal;
			},
			async run(command) {
				run.lastCommand = options.exec.quote(command);
				const result = await options.exec.run(command, {env: options.env, signal: stepSignal, onLine: output});
				delete run.lastCommand;
				return result;
			},
		};

		run.attempt = (async (): Promise<Attempt> => {
			try {
				checkHandshakeProved(plan, session, index);
				if (options.env[testPauseVariable] === step.id) {
					output({line: `${testPauseMarker} ${step.id}`, stream: 'info'});
					await pauseForTest(stepSignal);
				}

				// A runner that ignores the signal must not hold up the stop: it reruns on resume anyway.
				const aborted = abortPromise(stepSignal);
				let outcome: StepOutcome;
				try {
					outcome = await Promise.race([options.runnerFor(step).run(step, context), aborted.promise]);
				} finally {
					aborted.dispose();
				}

				if (options.env[testPauseAfterVariable] === step.id) {
					output({line: `${testPauseAfterMarker} ${step.id}`, stream: 'info'});
					await pauseForTest(stepSignal);
				}

				return {outcome};
			} catch (error) {
				return {error};
			}
		})();
		return run;
	};

	/** Records how the step ended; an exit code when the run ends with it. */
	const settle = async (run: StepRun, attempt: Attempt): Promise<number | undefined> => {
		const {step, hide} = run;
		const saved = session.steps[step.id]!;
		if ('error' in attempt) {
			if (signal.aborted) {
				// The step may have half happened; steps are idempotent, so it simply runs again on resume.
				saved.state = 'pending';
				delete saved.startedAt;
				return finish(exitCodes.interrupted, 'interrupted');
			}

			const failure = describeFailure(attempt.error);
			const message = hide(failure.message);
			saved.state = 'failed';
			saved.finishedAt = now();
			saved.error = message;
			emit({
				type: 'step-failed',
				stepId: step.id,
				message,
				...(failure.hint ? {hint: hide(failure.hint)} : {}),
				...(run.lastCommand ? {command: run.lastCommand} : {}),
				lastLines: failure.lastLines?.map(hide) ?? run.lastLines,
				exitCode: failure.exitCode,
			});
			return finish(failure.exitCode, failure.exitCode === exitCodes.notConfirmed ? 'not-confirmed' : 'failed');
		}

		const {outcome} = attempt;
		if (outcome.awaitingSignature) {
			// Not a failure and not done: the run ends here, and a resume with the signed certificates runs the step again.
			saved.state = 'pending';
			delete saved.startedAt;
			if (outcome.detail) saved.detail = outcome.detail;
			if (outcome.files?.length) saved.files = outcome.files;
			const {instructions, signedDir} = outcome.awaitingSignature;
			return finish(exitCodes.ok, 'awaiting-signature', {stepId: step.id, instructions: instructions.map(hide), signedDir});
		}

		const toDo = isToDoByHand(step);
		saved.state = toDo ? 'to-do' : 'done';
		saved.finishedAt = now();
		saved.inputs = stepDigest(step, marks);
		if (outcome.detail) saved.detail = outcome.detail;
		if (outcome.files?.length) saved.files = outcome.files;
		await options.save(session);
		if (toDo) emit({type: 'step-to-do', stepId: step.id});
		else emit({type: 'step-done', stepId: step.id, ...(outcome.detail ? {detail: outcome.detail} : {}), elapsedMs: Date.now() - run.started});
		return undefined;
	};

	/** The step at index and those after it that start alongside it: not done yet, and not one a test pauses before. */
	const together = (index: number): number[] => {
		const members = [index];
		for (let next = index + 1; next < total; next++) {
			const step = plan.steps[next]!;
			if (!step.alongsidePrevious || isPastStep(session.steps[step.id]?.state) || options.env[testPauseVariable] === step.id) break;
			members.push(next);
		}

		return members;
	};

	session.outcome = 'running';
	session.pid = process.pid;
	await options.save(session);

	let index = 0;
	while (index < total) {
		const step = plan.steps[index]!;
		const saved = session.steps[step.id] ?? {title: step.title, state: 'pending'};
		session.steps[step.id] = saved;
		if (saved.state === 'to-do') {
			// Reached in an earlier run: the person may not have done it yet, so it is listed again, not skipped as done.
			emit({type: 'step-to-do', stepId: step.id});
			index += 1;
			continue;
		}

		if (saved.state === 'done') {
			emit({type: 'step-skipped', stepId: step.id, reason: `done in session ${session.id}${saved.finishedAt ? ` at ${saved.finishedAt}` : ''}`});
			index += 1;
			continue;
		}

		if (signal.aborted) return finish(exitCodes.interrupted, 'interrupted');
		const members = together(index);
		const runs: StepRun[] = [];
		for (const member of members) runs.push(await start(member, member === index));
		for (const [position, run] of runs.entries()) {
			if (position > 0) await mark(run);
			const exitCode = await settle(run, await run.attempt!);
			if (exitCode !== undefined) {
				// The run ends here, as it would have had the steps run one after another: the steps after this one
				// are stopped, their held events dropped and their session records left as they were.
				const later = runs.slice(position + 1);
				for (const other of later) other.stop.abort();
				await Promise.all(later.map(async other => other.attempt));
				return exitCode;
			}
		}

		index = members.at(-1)! + 1;
	}

	return finish(exitCodes.ok, 'done');
}
