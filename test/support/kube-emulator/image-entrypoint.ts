import {cpSync, statSync} from 'node:fs';
import {basename, dirname, join} from 'node:path';
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

/** The stand-in script in an entrypoint, wherever it stands: after `node`, or after `/usr/bin/env VAR=value ... node`. */
export function standInScript(entrypoint: string[]): string | undefined {
	return entrypoint.find(arg => arg.startsWith('/') && arg.endsWith('.mjs'));
}

/**
 * The entrypoint as the pod's user can run it. A real image carries its scripts inside it; the emulator runs them
 * from the checkout, which a non-root user cannot enter when it was cloned under a 0700 directory (mktemp -d). Then
 * the script's folder (the stand-ins with their lib/) is copied beside the container's root, where the user already
 * reads its mounted secrets, as the image would hold it.
 */
export function imageEntrypoint(entrypoint: string[], identity: ProcessIdentity, imageDir: string): string[] {
	const script = standInScript(entrypoint);
	if (script === undefined || unreachableDirectory(script, identity) === undefined) return entrypoint;
	const folder = join(imageDir, basename(dirname(script)));
	cpSync(dirname(script), folder, {recursive: true});
	const staged = join(folder, basename(script));
	return entrypoint.map(arg => (arg === script ? staged : arg));
}
