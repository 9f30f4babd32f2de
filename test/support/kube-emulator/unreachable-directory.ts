import {statSync} from 'node:fs';
import {dirname} from 'node:path';
import type {ProcessIdentity} from './pod-inputs.js';

/**
 * The first directory above `file` that a pod's user cannot enter, if any. The emulator runs as root, so an
 * access() check would always pass; the mode bits decide what uid 10000 meets. A checkout cloned into a 0700
 * directory (mktemp -d) hides the stand-in scripts from non-root pods, which then die with "Cannot find module"
 * long before the test's own failure says why.
 */
export function unreachableDirectory(file: string, identity: ProcessIdentity): string | undefined {
	if (identity.uid === 0) return undefined;
	for (let directory = dirname(file); ; directory = dirname(directory)) {
		const {mode, uid, gid} = statSync(directory);
		const bit = uid === identity.uid ? 0o100 : gid === identity.gid || identity.groups.includes(gid) ? 0o010 : 0o001;
		if ((mode & bit) === 0) return directory;
		if (directory === dirname(directory)) return undefined;
	}
}
