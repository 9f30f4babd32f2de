import {close, fchmod, fsync, open, write} from 'node:fs';
import {promisify} from 'node:util';

/*
 * Durable writes through plain file descriptors. A fleet writes thousands of small files, each synced: a
 * FileHandle (an event emitter with its own promise machinery per call) allocated several times what the file held,
 * and that garbage is what made a fleet's memory grow with its size.
 */

const openFile = promisify(open);
const writeFile = promisify(write);
const chmodFile = promisify(fchmod);
const syncFile = promisify(fsync);
const closeFile = promisify(close);

/**
 * Creates the file (O_EXCL) with exactly `mode`, writes it and syncs it: on disk before anything that depends on it
 * is. On a failure after the file was created, the descriptor is closed and the file is left for the caller to remove.
 */
export async function writeNewFileSynced(path: string, content: string | Uint8Array, mode: number): Promise<void> {
	const fd = await openFile(path, 'wx', mode);
	try {
		const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
		for (let offset = 0; offset < data.length; ) offset += (await writeFile(fd, data, offset, data.length - offset)).bytesWritten;
		// The umask may have narrowed the mode at creation; chmod makes it exactly what was asked.
		await chmodFile(fd, mode);
		await syncFile(fd);
	} finally {
		await closeFile(fd);
	}
}

/** Flushes a directory's entries to disk, so a file created or renamed into it survives a power cut, not only a crash. */
export async function syncDirectory(path: string): Promise<void> {
	const fd = await openFile(path, 'r');
	try {
		await syncFile(fd);
	} finally {
		await closeFile(fd);
	}
}
