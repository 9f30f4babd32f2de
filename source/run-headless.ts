/**
 * A real run without the TUI: creates or continues the saved session, runs the engine, renders its events as
 * text lines or JSON lines on stdout, and turns Ctrl-C / SIGTERM into a clean stop that can be resumed.
 */
import {runPlan, type ExecLayer} from './engine.js';
import type {EngineEvent} from './engine-events.js';
import {UsageError} from './errors.js';
import {takeLock, type HeldLock} from './exec/directory-lock.js';
import {describeFault, isFileSystemFault} from './exec/file-system-fault.js';
import {makeDirectories} from './exec/make-directories.js';
import {removeStaleTemporaries} from './exec/write-file-atomic.js';
import {runCommandChecked} from './exec/run-command.js';
import {quoteCommand} from './exec/shell-quote.js';
import type {Plan, Step} from './plan/types.js';
import {createJsonRenderer} from './render/json-renderer.js';
import {createTextRenderer} from './render/text-renderer.js';
import {join} from 'node:path';
import {loadSession, newSessionId, prepareSessionsDirectory, saveSession, sessionFromPlan, sessionPath} from './session/session-store.js';
import {lineUpSession} from './session/line-up-session.js';
import type {Session} from './session/types.js';
import {loadRunners} from './steps/load-runners.js';
import type {StepRunner} from './steps/types.js';

export type ExecuteOptions = {
	json: boolean;
	env: NodeJS.ProcessEnv;
	/** Continue this saved session (resume) instead of starting a new one. */
	sessionId?: string;
	/** kubectl/helm --context the plan was built with; saved so resume rebuilds the same plan. */
	context?: string;
	/** Every --context of a plan run in several, in order; saved so resume rebuilds the same plan. */
	contexts?: readonly string[];
};

/** Tests and the Ink UI replace where events go and which runners run; everything else is the real thing. */
export type ExecuteDependencies = {
	render?: (event: EngineEvent) => void;
	runnerFor?: (step: Step) => StepRunner<Step>;
};

export const execLayer: ExecLayer = {
	run: runCommandChecked,
	quote: command => quoteCommand(command),
};

async function openSession(plan: Plan, secrets: Readonly<Record<string, string>>, options: ExecuteOptions): Promise<Session> {
	if (!options.sessionId) {
		const session = sessionFromPlan(plan, newSessionId());
		if (options.context) session.context = options.context;
		if (options.contexts) session.contexts = [...options.contexts];
		return session;
	}

	const session = await loadSession(options.env, options.sessionId);
	if (session.recipe !== plan.recipe || session.target !== plan.target) {
		throw new UsageError(
			`session ${session.id} is for ${session.recipe} --target ${session.target}, not ${plan.recipe} --target ${plan.target}. Start a new run instead.`,
		);
	}

	return lineUpSession(session, plan, secrets);
}

/**
 * Two runs into one output directory would each issue a CA and sign with it, leaving a server certificate its CA did
 * not sign. The output directory is locked for the whole run, and so is the session (a resume of it elsewhere).
 */
async function lockRun(plan: Plan, session: Session, options: ExecuteOptions): Promise<HeldLock[]> {
	const what = `--out ${plan.outDir}`;
	try {
		await makeDirectories(plan.outDir);
	} catch (error) {
		if (!isFileSystemFault(error)) throw error;
		throw new UsageError(`${what}: ${describeFault(error)}. Choose a directory you can write to, e.g. --out ./mtls-certs`);
	}

	const holder = {session: session.id, command: `run ${plan.recipe} --target ${plan.target}`};
	const held: HeldLock[] = [];
	try {
		held.push(await takeLock(join(plan.outDir, '.mtls-wizard.lock'), what, holder).catch((error: unknown) => {
			if (!isFileSystemFault(error)) throw error;
			throw new UsageError(`${what}: ${describeFault(error)}. Choose a directory you can write to, e.g. --out ./mtls-certs`);
		}));
		// Held now, so whatever a killed run's atomic writes left (temporaries that may hold key material) is no one's.
		await removeStaleTemporaries(plan.outDir);
		// A new session's id is new: only a saved one can be resumed twice at once.
		if (options.sessionId) held.push(await takeLock(`${sessionPath(options.env, session.id)}.lock`, `session ${session.id}`, holder));
	} catch (error) {
		for (const lock of held) await lock.release();
		throw error;
	}

	return held;
}

export async function executePlan(
	plan: Plan,
	secrets: Record<string, string>,
	options: ExecuteOptions,
	dependencies: ExecuteDependencies = {},
): Promise<number> {
	await prepareSessionsDirectory(options.env);
	const session = await openSession(plan, secrets, options);
	const locks = await lockRun(plan, session, options);
	// A reader that goes away (`| head`) must not crash a run half-way: the run goes on, saved as usual, unseen.
	let readerGone = false;
	const onOutputError = () => {
		readerGone = true;
	};
	process.stdout.on('error', onOutputError);
	const write = (text: string) => {
		if (!readerGone) process.stdout.write(text);
	};

	const render = dependencies.render ?? (options.json ? createJsonRenderer(write) : createTextRenderer(write, plan.steps));
	const controller = new AbortController();
	const interrupt = () => controller.abort();
	process.on('SIGINT', interrupt);
	process.on('SIGTERM', interrupt);
	try {
		return await runPlan({
			plan,
			session,
			secrets,
			env: options.env,
			signal: controller.signal,
			emit: render,
			save: async saved => saveSession(saved, {env: options.env, secrets}),
			runnerFor: dependencies.runnerFor ?? (await loadRunners(plan)),
			exec: execLayer,
		});
	} finally {
		process.off('SIGINT', interrupt);
		process.off('SIGTERM', interrupt);
		process.stdout.off('error', onOutputError);
		for (const lock of locks) await lock.release();
	}
}
