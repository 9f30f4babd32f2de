import {link, readFile, rename, unlink} from 'node:fs/promises';
import {UsageError} from '../errors.js';
import {writeNewFileSynced} from './synced-files.js';

export type LockHolder = {pid: number; session?: string; command: string; since: string};

export type HeldLock = {release(): Promise<void>};

/** Whether a process with this id exists (EPERM: it does, owned by another user). */
export function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

function parseHolder(text: string): LockHolder | undefined {
	try {
		const holder = JSON.parse(text) as Partial<LockHolder>;
		return typeof holder.pid === 'number' ? (holder as LockHolder) : undefined;
	} catch {
		return undefined;
	}
}

/** Moves a dead holder's lock aside, checking it is still that one: another process may have replaced it meanwhile. */
async function removeStale(path: string, staleText: string): Promise<void> {
	const aside = `${path}.stale-${process.pid}`;
	try {
		await rename(path, aside);
	} catch {
		return;
	}

	if ((await readFile(aside, 'utf8').catch(() => '')) !== staleText) await link(aside, path).catch(() => undefined);
	await unlink(aside).catch(() => undefined);
}

/**
 * Takes the lock file at `path` (created 0600 with O_EXCL, holding the pid, session and command) or throws a
 * UsageError naming the live holder. A lock whose process is gone (killed, crashed) is taken over. `what` names the
 * locked thing for the message, e.g. `--out /x`.
 */
export async function takeLock(path: string, what: string, holder: Omit<LockHolder, 'pid' | 'since'>): Promise<HeldLock> {
	const mine: LockHolder = {pid: process.pid, ...holder, since: new Date().toISOString()};
	const text = JSON.stringify(mine);
	for (let attempt = 0; attempt < 5; attempt++) {
		try {
			await writeNewFileSynced(path, text, 0o600);

			return {
				async release() {
					if ((await readFile(path, 'utf8').catch(() => '')) === text) await unlink(path).catch(() => undefined);
				},
			};
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}

		const found = await readFile(path, 'utf8').catch(() => undefined);
		if (found === undefined) continue;
		const other = parseHolder(found);
		if (other && other.pid !== process.pid && isAlive(other.pid)) {
			throw new UsageError(
				`${what}: in use by another mtls-wizard ${other.command} (pid ${other.pid}${other.session ? `, session ${other.session}` : ''}, since ${other.since}). Wait for it to finish, or stop it (Ctrl-C saves its progress), then try again.`,
			);
		}

		await removeStale(path, found);
	}

	throw new UsageError(`${what}: its lock ${path} keeps changing hands. Try again when the other mtls-wizard runs have finished.`);
}
