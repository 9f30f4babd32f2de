/**
 * The first of a deployment's certificates to expire. A finished run records it in its session with a stamp of every
 * certificate file (inode, size, change times), so listing deployments stats those files instead of reading and
 * parsing each certificate of a fleet; a file replaced or rewritten since changes the stamp, and then every file is
 * read again, so the list never shows an expiry the files no longer have.
 */
import {createHash} from 'node:crypto';
import {readFile, stat} from 'node:fs/promises';
import {certificateNotAfter} from '../pki/not-after.js';
import type {Plan} from '../plan/types.js';
import type {FirstExpiry} from '../session/types.js';
import {caPaths, leafPaths} from './certificate-paths.js';

/** How a certificate file is read: injected by tests that count what is read. */
export type ReadCertificate = (path: string) => Promise<string>;

const readText: ReadCertificate = async path => readFile(path, 'utf8');

/** Every certificate file the plan's certificate steps keep: the CAs and every leaf, a fleet's agents included. */
export function certificateFiles(plan: Plan): string[] {
	return [...new Set(plan.steps.flatMap(step => (step.kind === 'issue-certificates' ? [caPaths(step.dir).cert, ...step.leaves.map(leaf => leafPaths(step.dir, leaf).cert)] : [])))];
}

async function stampOf(files: readonly string[]): Promise<string> {
	const stats = await Promise.all(files.map(async file => stat(file, {bigint: true}).catch(() => undefined)));
	const hash = createHash('sha256');
	for (const [index, file] of files.entries()) {
		const found = stats[index];
		hash.update(`${file}\0${found ? `${found.ino}:${found.size}:${found.mtimeNs}:${found.ctimeNs}` : 'missing'}\n`);
	}

	return hash.digest('hex');
}

/** Reads and parses every file; one that cannot be read or parsed counts for nothing. Undefined when none can. */
export async function readFirstExpiry(files: readonly string[], read: ReadCertificate = readText): Promise<FirstExpiry | undefined> {
	// Stamped before reading: a file replaced while it is read leaves a stamp the next look does not match.
	const stamp = await stampOf(files);
	const found = await Promise.all(
		files.map(async file => {
			try {
				return {file, notAfter: certificateNotAfter(await read(file))};
			} catch {
				return undefined;
			}
		}),
	);
	const [first] = found.filter(entry => entry !== undefined).sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime());
	return first && {file: first.file, notAfter: first.notAfter.toISOString(), stamp};
}

/** The recorded first expiry while every file is as it was when recorded; otherwise read again from the files. */
export async function confirmedFirstExpiry(recorded: FirstExpiry | undefined, files: readonly string[], read: ReadCertificate = readText): Promise<FirstExpiry | undefined> {
	if (recorded !== undefined && recorded.stamp === (await stampOf(files))) return recorded;
	return readFirstExpiry(files, read);
}
