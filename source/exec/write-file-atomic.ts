import {randomBytes} from 'node:crypto';
import {readdir, rename, rm} from 'node:fs/promises';
import {basename, dirname, join} from 'node:path';
import {makeDirectories} from './make-directories.js';
import {writeNewFileSynced} from './synced-files.js';

/**
 * Writes a file so that readers see the old contents or the new, never half of it, and never with a wider mode
 * than asked even for an instant: the temp file is created with `mode` (O_EXCL), synced, then renamed over.
 * A missing parent directory is created 0700.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): Promise<void> {
	const directory = dirname(path);
	await makeDirectories(directory);
	const temporary = join(directory, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
	try {
		await writeNewFileSynced(temporary, data, mode);
	} catch (error) {
		await rm(temporary, {force: true});
		throw error;
	}

	try {
		await rename(temporary, path);
	} catch (error) {
		await rm(temporary, {force: true});
		throw error;
	}
}

const temporaryName = /^\..+\.[0-9a-f]{12}\.tmp$/;

/**
 * Removes what writeFileAtomic leaves when its process is killed between creating and renaming a temporary file
 * (a rendered Secret manifest is one: key material). Looks in dir and the directories below it, `depth` levels down.
 * Only call it while holding the directory's lock, so no live writer's temporary is taken.
 */
export async function removeStaleTemporaries(dir: string, depth = 2): Promise<string[]> {
	const removed: string[] = [];
	const entries = await readdir(dir, {withFileTypes: true}).catch(() => []);
	for (const entry of entries) {
		const path = join(dir, entry.name);
		if (entry.isDirectory() && depth > 0) removed.push(...(await removeStaleTemporaries(path, depth - 1)));
		else if (entry.isFile() && temporaryName.test(entry.name)) {
			await rm(path, {force: true});
			removed.push(path);
		}
	}

	return removed;
}
