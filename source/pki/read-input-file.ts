import {readFile} from 'node:fs/promises';
import {badInput} from '../errors.js';

/** Reads a file the user named; a missing or unreadable file is bad input naming the flag and the path. */
export async function readInputFile(path: string, field: string): Promise<string> {
	try {
		return await readFile(path, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? 'error';
		const problem =
			code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable (permission denied)' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code})`;
		throw badInput(field, path, problem, 'Give the path of a readable PEM file');
	}
}
