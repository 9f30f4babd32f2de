import {accessSync, constants, statSync} from 'node:fs';
import {delimiter, join} from 'node:path';

/**
 * The kubectl the tests run against the emulator: the first executable `kubectl` on PATH, as a user's shell finds
 * it (its path differs between distributions and installs). Throws naming what is missing and where it looked.
 */
export function kubectlPath(searchPath = process.env['PATH'] ?? ''): string {
	const dirs = searchPath.split(delimiter).filter(Boolean);
	for (const dir of dirs) {
		const candidate = join(dir, 'kubectl');
		try {
			if (!statSync(candidate).isFile()) continue;
			accessSync(candidate, constants.X_OK);
			return candidate;
		} catch {
			// Not there or not executable: a shell would look on in the next PATH entry too.
		}
	}

	throw new Error(`kubectl is missing: no executable kubectl on PATH (${dirs.join(delimiter) || 'PATH is empty'}); install kubectl (Debian package kubernetes-client) to run the tests that drive the Kubernetes emulator`);
}
