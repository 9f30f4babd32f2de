import {existsSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

/**
 * The package's root directory: the nearest folder above this module with a package.json. The module may run from
 * source/ (tsx), from dist/ as built, or folded into a bundle chunk, so no fixed number of `..` fits all three.
 */
export function findPackageRoot(moduleUrl: string): string {
	let dir = dirname(fileURLToPath(moduleUrl));
	while (!existsSync(join(dir, 'package.json'))) {
		const parent = dirname(dir);
		if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(moduleUrl)}`);
		dir = parent;
	}

	return dir;
}

export const packageRoot = findPackageRoot(import.meta.url);
