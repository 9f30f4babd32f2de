import {open} from 'node:fs/promises';

/** Flushes a directory entry to disk, so a rename into it survives a power cut, not only a crash. */
export async function syncDirectory(path: string): Promise<void> {
	const directory = await open(path, 'r');
	try {
		await directory.sync();
	} finally {
		await directory.close();
	}
}
