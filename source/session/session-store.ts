import {randomBytes} from 'node:crypto';
import {access, constants, readdir, readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {exitCodes, UsageError, WizardError} from '../errors.js';
import {isAlive} from '../exec/directory-lock.js';
import {describeFault, isFileSystemFault} from '../exec/file-system-fault.js';
import type {Plan} from '../plan/types.js';
import {makeDirectories} from '../exec/make-directories.js';
import {syncDirectory} from '../exec/synced-files.js';
import {writeFileAtomic} from '../exec/write-file-atomic.js';
import {sessionsDir, sessionsDirSource} from './paths.js';
import {scrubText} from './scrub.js';
import {sessionIdPattern} from './session-id.js';
import {isPastStep} from './step-states.js';
import type {SavedStepState, Session, SessionOutcome} from './types.js';

const fileMode = 0o600;

/** Sortable by creation time and readable in a terminal: 20261122-162546-3fa9. */
export function newSessionId(now = new Date()): string {
	const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
	return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export function sessionFromPlan(plan: Plan, id: string, now = new Date()): Session {
	const time = now.toISOString();
	return {
		version: 1,
		id,
		recipe: plan.recipe,
		recipeDigest: plan.recipeDigest,
		target: plan.target,
		answers: {...plan.answers},
		secretAnswers: [...plan.secretAnswers],
		outDir: plan.outDir,
		digestSalt: randomBytes(16).toString('hex'),
		marksKdf: 'scrypt',
		...(plan.renewal ? {renewal: {...plan.renewal}} : {}),
		...(plan.rotation ? {rotation: {...plan.rotation, excludeAgents: [...plan.rotation.excludeAgents]}} : {}),
		stepOrder: plan.steps.map(step => step.id),
		steps: Object.fromEntries(plan.steps.map(step => [step.id, {title: step.title, state: 'pending' as const}])),
		outcome: 'running',
		pid: process.pid,
		createdAt: time,
		updatedAt: time,
	};
}

export function sessionPath(env: NodeJS.ProcessEnv, id: string): string {
	return join(sessionsDir(env), `${id}.json`);
}

const homeFix = 'Set MTLS_WIZARD_HOME to a writable directory (sessions are saved in its sessions/ folder).';

/**
 * Makes sure sessions can be saved before a run starts, so an unusable MTLS_WIZARD_HOME (read-only, on /proc, a file)
 * is bad input named by its variable, not an error half-way through a run.
 */
export async function prepareSessionsDirectory(env: NodeJS.ProcessEnv): Promise<void> {
	const directory = sessionsDir(env);
	try {
		await makeDirectories(directory);
		await access(directory, constants.W_OK);
	} catch (error) {
		if (!isFileSystemFault(error)) throw error;
		throw new UsageError(`${sessionsDirSource(env)}: ${directory} ${describeFault(error)}. ${homeFix}`);
	}
}

/** Session files this process has synced the directory of since they got their name there. */
const syncedSessionFiles = new Set<string>();

/** Writes the session atomically (temporary file, fsync, rename, fsync of the directory the first time; 0600 in a 0700 directory), with secret values and PEM blocks scrubbed from every string. */
export async function saveSession(
	session: Session,
	options: {env: NodeJS.ProcessEnv; secrets: Readonly<Record<string, string>>},
): Promise<void> {
	const directory = sessionsDir(options.env);
	session.updatedAt = new Date().toISOString();
	const text = JSON.stringify(
		session,
		(_key, value: unknown) => (typeof value === 'string' ? scrubText(value, options.secrets) : value),
		'\t',
	);
	const path = sessionPath(options.env, session.id);
	try {
		// Made 0700 when it is new; an existing directory (MTLS_WIZARD_HOME may be one of the user's) keeps its mode.
		await writeFileAtomic(path, `${text}\n`, fileMode);
		// The directory is synced once the file has a name in it. Each later save renames a synced file over it, which
		// a crash leaves as the old session or the new, both whole; a run saves twice a step, so this halves the fsyncs.
		if (!syncedSessionFiles.has(path)) {
			await syncDirectory(directory);
			syncedSessionFiles.add(path);
		}
	} catch (error) {
		if (!isFileSystemFault(error)) throw error;
		// The disk filled or the mount changed during the run: what ran stays done, but progress can no longer be saved.
		throw new WizardError(`session ${session.id} cannot be saved: ${directory} ${describeFault(error)}. ${homeFix}`, exitCodes.stepFailed);
	}
}

/** zod loads only when a session is read back: a run that only writes its own session never pays for it. */
async function parseSession(text: string): Promise<Session | undefined> {
	const {sessionSchema} = await import('./session-schema.js');
	try {
		const parsed = sessionSchema.safeParse(JSON.parse(text));
		return parsed.success ? parsed.data : undefined;
	} catch {
		return undefined;
	}
}

export async function loadSession(env: NodeJS.ProcessEnv, id: string): Promise<Session> {
	if (!sessionIdPattern.test(id)) {
		throw new UsageError(`session id: ${JSON.stringify(id)} is not a session id. List them with: mtls-wizard sessions`);
	}

	const path = sessionPath(env, id);
	let text: string;
	try {
		text = await readFile(path, 'utf8');
	} catch {
		throw new UsageError(`session id: no saved session ${JSON.stringify(id)} in ${sessionsDir(env)}. List them with: mtls-wizard sessions`);
	}

	const session = await parseSession(text);
	if (!session) throw new UsageError(`session ${id}: ${path} is damaged and cannot be resumed. Start again with: mtls-wizard run`);
	return session;
}

export type SessionList = {sessions: Session[]; unreadable: string[]};

/** All saved sessions, most recently updated first; damaged files are named, not fatal. */
export async function listSessions(env: NodeJS.ProcessEnv): Promise<SessionList> {
	const directory = sessionsDir(env);
	let names: string[];
	try {
		names = await readdir(directory);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {sessions: [], unreadable: []};
		if (!isFileSystemFault(error)) throw error;
		throw new UsageError(`${sessionsDirSource(env)}: ${directory} ${describeFault(error)}. ${homeFix}`);
	}

	const sessions: Session[] = [];
	const unreadable: string[] = [];
	for (const name of names) {
		// Dot files are the atomic writer's temporaries, which a killed process may leave behind.
		if (!name.endsWith('.json') || name.startsWith('.')) continue;
		const path = join(directory, name);
		const session = await parseSession(await readFile(path, 'utf8').catch(() => ''));
		if (session) sessions.push(session);
		else unreadable.push(path);
	}

	sessions.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || b.id.localeCompare(a.id));
	return {sessions, unreadable};
}

/** A session left 'running' by a process that no longer exists was killed: it is interrupted. */
export function effectiveOutcome(session: Session): SessionOutcome {
	if (session.outcome === 'running' && (session.pid === undefined || !isAlive(session.pid))) return 'interrupted';
	return session.outcome;
}

/** Whether the engine has nothing left to run: every step done, or reached and left to do by hand. */
export function isFinished(session: Session): boolean {
	return session.stepOrder.every(id => isPastStep(session.steps[id]?.state));
}

/** "3/7, 1 to do by hand": steps done, steps reached that a person still has to do, all steps. */
export function progressOf(session: Session): {done: number; toDo: number; total: number} {
	const count = (state: SavedStepState) => session.stepOrder.filter(id => session.steps[id]?.state === state).length;
	return {done: count('done'), toDo: count('to-do'), total: session.stepOrder.length};
}
