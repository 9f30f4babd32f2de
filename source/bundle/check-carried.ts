/**
 * The files and directories of yours a bundle carries (Plan.carried), checked before anything is written: each must
 * be there, and a directory (a local chart), which is copied whole into inputs/, must not hold the bundle, since the
 * bundle is built beside its own directory and would be copied into itself. Paths are compared as they resolve on
 * disk, so a symlink on either side cannot hide that loop. Errors name the answer that named the file.
 */
import {realpath, stat} from 'node:fs/promises';
import {basename, dirname, join, relative, resolve} from 'node:path';
import {UsageError} from '../errors.js';
import {placeIn} from '../path-within.js';
import type {Plan} from '../plan/types.js';

/** The bundle directory need not exist yet: its nearest existing parent resolved, the rest as given. */
async function resolvedOnDisk(path: string): Promise<string> {
	try {
		return await realpath(path);
	} catch (error) {
		const parent = dirname(path);
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === path) return path;
		return join(await resolvedOnDisk(parent), basename(path));
	}
}

/** A path relative to where the wizard runs, written as one (`./x`), as path answers are. */
function fromHere(path: string): string {
	const rel = relative(process.cwd(), path);
	return rel.startsWith('.') || rel.startsWith('/') ? rel : `./${rel}`;
}

export type CheckCarriedOptions = {
	/** The bundle directory as given, and resolved. */
	dir: string;
	target: string;
	/** How errors name the bundle directory: `--export`, or the wizard's question. */
	field: string;
	/** Where each answer came from (`--set chart`, `--answers FILE: chart`, a question); `--set ID` when absent. */
	sources: Readonly<Record<string, string>>;
};

/** Refuses (exit 2) a carried input that is missing, and a bundle directory that is, or is inside, a carried directory. */
export async function checkCarried(plan: Plan, {dir, target, field, sources}: CheckCarriedOptions): Promise<void> {
	const bundle = await resolvedOnDisk(resolve(target));
	for (const {from} of plan.carried ?? []) {
		const answer = Object.keys(plan.answers).find(id => plan.answers[id] === from);
		const named = answer === undefined ? undefined : (sources[answer] ?? `--set ${answer}`);
		const found = await stat(from).catch((error: NodeJS.ErrnoException) => error);
		if (found instanceof Error) {
			// Anything but absence (a permission) is reported where the file is copied, as a file-system fault.
			if (found.code !== 'ENOENT') continue;
			throw new UsageError(`${named ? `${named}: ` : ''}${JSON.stringify(from)} is missing: the bundle must carry it, since apply.sh reads it. Put it back where it was, then export again.`);
		}

		if (!found.isDirectory()) continue;
		const carried = await realpath(from);
		const place = placeIn(carried, bundle);
		if (place === 'outside') continue;
		const where = place === 'self' ? 'is' : 'is inside';
		throw new UsageError(
			`${field}: ${JSON.stringify(dir)} ${where} the directory ${JSON.stringify(from)}${named ? ` that ${named} names` : ''}, which the bundle copies whole into inputs/, so it would copy itself. Choose a bundle directory outside ${JSON.stringify(from)}, e.g. ${fromHere(join(dirname(carried), 'mtls-bundle'))}.`,
		);
	}
}
