import {chmod, mkdir, stat} from 'node:fs/promises';
import {dirname, resolve} from 'node:path';

const ownMode = 0o700;

/**
 * Creates `dir` and its missing parents one level at a time, each exactly 0700 whatever the umask, and returns the
 * ones it created, outermost first. A directory that already exists is never touched: its mode belongs to whoever
 * made it (`--out /` must not leave / at 0700, a 1777 scratch directory keeps its sticky bit).
 * Node's recursive mkdir is not used: under /proc it retries forever instead of failing.
 * Errors are the file system's (with .path), for the caller to word for its field.
 */
export async function makeDirectories(dir: string): Promise<string[]> {
	const missing: string[] = [];
	let current = resolve(dir);
	for (;;) {
		const found = await stat(current).catch((error: NodeJS.ErrnoException) => {
			if (error.code === 'ENOENT') return undefined;
			throw error;
		});
		if (found) {
			if (!found.isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, ${current}`), {code: 'ENOTDIR', syscall: 'mkdir', path: current});
			break;
		}

		missing.unshift(current);
		const parent = dirname(current);
		if (parent === current) break;
		current = parent;
	}

	const created: string[] = [];
	for (const path of missing) {
		try {
			await mkdir(path, {mode: ownMode});
		} catch (error) {
			// Another process made it meanwhile: it is theirs, so it is used as it is.
			if ((error as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(path)).isDirectory()) continue;
			throw error;
		}

		await chmod(path, ownMode);
		created.push(path);
	}

	return created;
}

/**
 * makeDirectories for a directory that most likely does not exist yet under one that does (a fleet agent's, a
 * staging directory): one mkdir instead of a stat of every level first. Anything else takes makeDirectories' way,
 * with its errors.
 */
export async function makeNewDirectory(dir: string): Promise<string[]> {
	const path = resolve(dir);
	try {
		await mkdir(path, {mode: ownMode});
	} catch {
		return makeDirectories(path);
	}

	await chmod(path, ownMode);
	return [path];
}
