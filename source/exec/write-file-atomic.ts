import {randomBytes} from 'node:crypto';
import {open, rename, rm} from 'node:fs/promises';
import {basename, dirname, join} from 'node:path';
import {makeDirectories} from './make-directories.js';

/**
 * Writes a file so that readers see the old contents or the new, never half of it, and never with a wider mode
 * than asked even for an instant: the temp file is created with `mode` (O_EXCL), synced, then renamed over.
 * A missing parent directory is created 0700.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): Promise<void> {
	const directory = dirname(path);
	await makeDirectories(directory);
	const temporary = join(directory, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
	const handle = await open(temporary, 'wx', mode);
	try {
		await handle.writeFile(data);
		// The umask may have narrowed the mode at creation; chmod makes it exactly what was asked.
		await handle.chmod(mode);
		await handle.sync();
	} catch (error) {
		await handle.close();
		await rm(temporary, {force: true});
		throw error;
	}

	await handle.close();
	try {
		await rename(temporary, path);
	} catch (error) {
		await rm(temporary, {force: true});
		throw error;
	}
}
