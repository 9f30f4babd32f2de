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
import {eachBounded, threadpoolThreads} from './each-bounded.js';

/** How a certificate file is read: injected by tests that count what is read. */
export type ReadCertificate = (path: string) => Promise<string>;

const readText: ReadCertificate = async path => readFile(path, 'utf8');

/** Every certificate file the plan's certificate steps keep: the CAs and every leaf, a fleet's agents included. */
export function certificateFiles(plan: Plan): string[] {
	return [...new Set(plan.steps.flatMap(step => (step.kind === 'issue-certificates' ? [caPaths(step.dir).cert, ...step.leaves.map(leaf => leafPaths(step.dir, leaf).cert)] : [])))];
}

/** A fleet's files are looked at a few at a time: a thousand at once would hold a thousand results and requests. */
const inFlight = 2 * threadpoolThreads;

async function stampOf(files: readonly string[]): Promise<string> {
	const stamps = new Array<string>(files.length);
	await eachBounded([...files.keys()], inFlight, async index => {
		const found = await stat(files[index]!, {bigint: true}).catch(() => undefined);
		stamps[index] = `${files[index]}\0${found ? `${found.ino}:${found.size}:${found.mtimeNs}:${found.ctimeNs}` : 'missing'}\n`;
	});
	const hash = createHash('sha256');
	for (const stamp of stamps) hash.update(stamp);
	return hash.digest('hex');
}

/** Reads and parses every file; one that cannot be read or parsed counts for nothing. Undefined when none can. */
export async function readFirstExpiry(files: readonly string[], read: ReadCertificate = readText): Promise<FirstExpiry | undefined> {
	// Stamped before reading: a file replaced while it is read leaves a stamp the next look does not match.
	const stamp = await stampOf(files);
	let first: {index: number; notAfter: Date} | undefined;
	await eachBounded([...files.keys()], inFlight, async index => {
		let notAfter: Date;
		try {
			notAfter = certificateNotAfter(await read(files[index]!));
		} catch {
			return;
		}

		// The earliest end; between equal ends, the file listed first, as a sort of every file would choose.
		if (!first || notAfter < first.notAfter || (notAfter.getTime() === first.notAfter.getTime() && index < first.index)) first = {index, notAfter};
	});
	return first && {file: files[first.index]!, notAfter: first.notAfter.toISOString(), stamp};
}

/** The recorded first expiry while every file is as it was when recorded; otherwise read again from the files. */
export async function confirmedFirstExpiry(recorded: FirstExpiry | undefined, files: readonly string[], read: ReadCertificate = readText): Promise<FirstExpiry | undefined> {
	if (recorded !== undefined && recorded.stamp === (await stampOf(files))) return recorded;
	return readFirstExpiry(files, read);
}
