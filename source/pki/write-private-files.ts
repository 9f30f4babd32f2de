import {chmod, mkdir, open, readdir, readFile, rename, rm, rmdir, stat, unlink} from 'node:fs/promises';
import {basename, dirname, join, resolve} from 'node:path';
import {badInput} from '../errors.js';
import {takeLock, type HeldLock} from '../exec/directory-lock.js';
import {describeFault} from '../exec/file-system-fault.js';
import {makeDirectories, makeNewDirectory} from '../exec/make-directories.js';
import {syncDirectory, writeNewFileSynced} from '../exec/synced-files.js';

export type OutputFile = {name: string; content: string; secret: boolean};

export type WrittenFile = {path: string; mode: number};

export type WriteOptions = {force: boolean; field?: string};

/**
 * A certificate set is staged here, inside the target (so every rename stays on one file system), and moved into
 * place only once every file is on disk. The name is fixed so the next run finds what a killed one left: a staging
 * directory with its completion mark is rolled forward, one without is removed (it may hold private keys).
 */
const stagingName = '.mtls-wizard-staging';
const completeMark = '.complete';

/**
 * Test-only: MTLS_WIZARD_TEST_KILL_AT_WRITE=N kills the process with SIGKILL right after the Nth change this module
 * makes to the disk, so a test can stop the certificate step at every write point in turn and prove resume finishes.
 */
const killAtWriteVariable = 'MTLS_WIZARD_TEST_KILL_AT_WRITE';
let writePoints = 0;
function wrote(): void {
	writePoints += 1;
	if (process.env[killAtWriteVariable] === String(writePoints)) process.kill(process.pid, 'SIGKILL');
}

async function statOrUndefined(path: string) {
	try {
		return await stat(path);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
}

/**
 * Refuses, before any work is done, a target that is not a directory or that already holds one of the files
 * (keys are never replaced silently; certificates beside them would stop matching).
 */
export async function checkOutputDirectory(dir: string, names: string[], options: WriteOptions): Promise<void> {
	const field = options.field ?? '--out';
	const target = await statOrUndefined(dir).catch((error: unknown) => {
		throw badInput(field, dir, `cannot be examined: ${describeFault(error)}`, 'Choose a directory you can write to');
	});
	if (!target) return;
	if (!target.isDirectory()) throw badInput(field, dir, 'exists and is not a directory', 'Choose a directory');
	if (options.force) return;
	const present: string[] = [];
	for (const name of names) if (await statOrUndefined(join(dir, name))) present.push(name);
	if (present.length > 0) {
		throw badInput(field, dir, `already holds ${present.join(', ')}`, 'Choose another directory, or pass --force to replace them');
	}
}

/** Finishes or undoes what a killed writer left in dir; returns which. */
export async function recoverStagedFiles(dir: string): Promise<'nothing' | 'completed' | 'removed'> {
	const staging = join(dir, stagingName);
	if (!(await statOrUndefined(staging))) return 'nothing';
	const mark = await readFile(join(staging, completeMark), 'utf8').catch(() => undefined);
	if (mark === undefined) {
		await rm(staging, {recursive: true, force: true});
		return 'removed';
	}

	const names = JSON.parse(mark) as string[];
	const staged = new Set(await readdir(staging));
	for (const name of names) if (staged.has(name)) await rename(join(staging, name), join(dir, name));
	await syncDirectory(dir);
	await rm(staging, {recursive: true, force: true});
	return 'completed';
}

/** Waits for every one of the operations, then fails with the first failure: nothing is still writing when the caller cleans up. */
async function allSettled(operations: Array<Promise<unknown>>): Promise<void> {
	const failed = (await Promise.allSettled(operations)).find(result => result.status === 'rejected');
	if (failed) throw failed.reason;
}

const modeOf = (file: OutputFile) => (file.secret ? 0o600 : 0o644);

/** Every file written and synced into the staging directory at once, each counted as written when it is. */
async function writeAllSynced(staging: string, files: OutputFile[]): Promise<void> {
	await allSettled(
		files.map(async file => {
			await writeNewFileSynced(join(staging, file.name), file.content, modeOf(file));
			wrote();
		}),
	);
}

const written = (dir: string, files: OutputFile[]): WrittenFile[] => files.map(file => ({path: join(dir, file.name), mode: modeOf(file)}));

/**
 * Writes the files into dir (which must exist) all or none: each is written and synced in the staging directory,
 * the completion mark is written, then they are renamed into place. A kill at any point leaves something
 * recoverStagedFiles finishes or removes; an error removes the staging directory. Files already in dir with the
 * same names are replaced (callers decide whether that is allowed). Secret files are 0600, the others 0644.
 * `recovered`: the caller has just run recoverStagedFiles on dir (or made dir), so there is nothing to look for.
 *
 * What must be on disk before what is ordered; the rest runs at once (a fleet commits thousands of these): the
 * files are written and synced together, the mark is created only once they all are, its data and the staging
 * directory's entries are synced together, and the renames run together once both are.
 */
export async function commitFiles(dir: string, files: OutputFile[], options: {recovered?: boolean} = {}): Promise<WrittenFile[]> {
	const staging = join(dir, stagingName);
	if (!options.recovered) await recoverStagedFiles(dir);
	try {
		await makeNewDirectory(staging);
		wrote();
		await writeAllSynced(staging, files);
		const mark = await open(join(staging, completeMark), 'wx', 0o600);
		try {
			await mark.writeFile(JSON.stringify(files.map(f => f.name)));
			// The mark's entry exists before the directory is synced, so that sync makes it durable.
			await allSettled([mark.sync(), syncDirectory(staging)]);
		} finally {
			await mark.close();
		}

		wrote();
	} catch (error) {
		await rm(staging, {recursive: true, force: true});
		throw error;
	}

	await allSettled(
		files.map(async file => {
			await rename(join(staging, file.name), join(dir, file.name));
			wrote();
		}),
	);
	await syncDirectory(dir);
	// Only the mark is left in it.
	await unlink(join(staging, completeMark));
	await rmdir(staging);
	wrote();
	return written(dir, files);
}

/** A directory commitNewDirectory is filling: hidden beside the one it becomes (agent names never start with a dot). */
const stagedDirectorySuffix = '.mtls-wizard-staging';
const stagedDirectoryName = (name: string) => `.${name}${stagedDirectorySuffix}`;

/**
 * Writes a directory that does not exist yet, with its files, all or none, in fewer steps than commitFiles: the
 * directory is made 0700 under a hidden name beside its own, each file is written and synced in it (all at once),
 * the directory is synced, then renamed to its name in one step. A kill leaves it whole or absent, plus perhaps the
 * hidden one, which removeStagedDirectories takes away. The rename is on disk once the parent is synced: callers
 * making many (a fleet's agents) sync the parent once for all of them (syncDirectory) before they report done.
 */
export async function commitNewDirectory(dir: string, files: OutputFile[]): Promise<WrittenFile[]> {
	const staging = join(dirname(dir), stagedDirectoryName(basename(dir)));
	await mkdir(staging, {mode: 0o700});
	try {
		await chmod(staging, 0o700);
		wrote();
		await writeAllSynced(staging, files);
		await syncDirectory(staging);
		await rename(staging, dir);
	} catch (error) {
		await rm(staging, {recursive: true, force: true});
		throw error;
	}

	wrote();
	return written(dir, files);
}

/**
 * Removes what killed commitNewDirectory calls left in parent (unfinished directories may hold private keys) and
 * returns the names of the entries that are left. Only call it while holding the lock over parent.
 */
export async function removeStagedDirectories(parent: string): Promise<Set<string>> {
	const names = await readdir(parent);
	const left = new Set<string>();
	for (const name of names) {
		if (name.startsWith('.') && name.endsWith(stagedDirectorySuffix)) await rm(join(parent, name), {recursive: true, force: true});
		else left.add(name);
	}

	return left;
}

/** Removes the directories this run created, innermost first, if they are still empty. */
async function removeCreated(created: string[]): Promise<void> {
	for (const path of [...created].reverse()) await rmdir(path).catch(() => undefined);
}

/**
 * The certs command's writer: creates the target (and missing parents) 0700, never touching the mode of a
 * directory that already existed, and commits the set all or none. A failure leaves nothing: no file, no staging
 * directory, no directory this call created.
 */
export async function writePrivateFiles(dir: string, files: OutputFile[], options: WriteOptions): Promise<WrittenFile[]> {
	const field = options.field ?? '--out';
	const target = resolve(dir);
	await checkOutputDirectory(target, files.map(f => f.name), options);
	let created: string[] = [];
	let lock: HeldLock | undefined;
	try {
		created = await makeDirectories(target);
		// A run or another certs writing here at the same time would mix two CAs' files.
		lock = await takeLock(join(target, '.mtls-wizard.lock'), `${field} ${dir}`, {command: 'certs'});
		await recoverStagedFiles(target);
		await checkOutputDirectory(target, files.map(f => f.name), options);
		return await commitFiles(target, files, {recovered: true});
	} catch (error) {
		await lock?.release();
		lock = undefined;
		await removeCreated(created);
		if (error instanceof Error && 'code' in error) {
			throw badInput(field, dir, describeFault(error), 'Choose a directory you can write to, on a file system with free space');
		}

		throw error;
	} finally {
		await lock?.release();
	}
}
