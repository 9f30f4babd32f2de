import {constants} from 'node:fs';
import {access, stat} from 'node:fs/promises';
import {dirname, resolve} from 'node:path';
import {badInput} from '../errors.js';

/**
 * A run writes certificates into --out long after it started; a directory that can never be made is bad input,
 * refused before a session exists, not a failed first step. An existing directory is fine: valid files are reused.
 */
export async function checkOutDir(dir: string, field = '--out'): Promise<void> {
	const fix = 'Choose a directory you can write to, e.g. --out ./mtls-certs';
	const wanted = resolve(dir);
	let current = wanted;
	for (;;) {
		const found = await stat(current).catch((error: NodeJS.ErrnoException) => {
			// ENOTDIR: a file stands somewhere above; the walk up finds it.
			if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
			throw badInput(field, dir, `cannot be examined (${error.code ?? error.message})`, fix);
		});
		if (found) {
			if (!found.isDirectory()) {
				throw badInput(field, dir, current === wanted ? 'exists and is not a directory' : `cannot be created: ${current} is a file`, fix);
			}

			await access(current, constants.W_OK).catch(() => {
				throw badInput(field, dir, `cannot be written: ${current} is not writable`, fix);
			});
			return;
		}

		const parent = dirname(current);
		if (parent === current) return;
		current = parent;
	}
}
