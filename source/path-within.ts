import {isAbsolute, relative, sep} from 'node:path';

/**
 * Where `path` lies against the directory `dir`: the directory itself, inside it, or outside it. Only a whole `..`
 * segment leads out: `..x` is a file's name, not a way up.
 */
export function placeIn(dir: string, path: string): 'self' | 'inside' | 'outside' {
	const rel = relative(dir, path);
	if (rel === '') return 'self';
	return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) ? 'outside' : 'inside';
}
