import {chmod, mkdir, readFile, writeFile} from 'node:fs/promises';
import {delimiter, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {chartPath, shown, startCluster} from './support.js';

test.serial('npx mtls-wizard in a clone: with node_modules/.bin first on PATH, the helm step runs the user\'s helm found later on PATH, not the pinned test helm', async t => {
	const ownBin = fileURLToPath(new URL('../../../node_modules/.bin', import.meta.url));
	const cluster = await startCluster(t, {});
	const users = join(cluster.scratch, 'users-bin');
	await mkdir(users);
	const calls = join(cluster.scratch, 'helm-calls');
	await writeFile(join(users, 'helm'), `#!/bin/sh\necho "$*" >> '${calls}'\necho "Error: the user's helm from ${users} ran" >&2\nexit 1\n`);
	await chmod(join(users, 'helm'), 0o755);
	// As npx sets it: the package's node_modules/.bin (holding the pinned helm v3.10.1) in front of the user's PATH.
	const path = [ownBin, users, ...(process.env['PATH'] ?? '').split(delimiter)].join(delimiter);
	const result = await cluster.cli([
		'run', 'portainer', '--target', 'helm',
		'--set', 'mtlsDomain=localhost',
		'--set', `chart=${chartPath('portainer')}`,
		'--set', 'namespace=portainer-user-helm',
		'--out', join(cluster.scratch, 'out'), '--yes',
	], {env: {PATH: path}});
	t.not(result.exitCode, 0, shown(result));
	t.regex(`${result.stdout}\n${result.stderr}`, /Error: the user's helm from .* ran/, shown(result));
	t.regex(await readFile(calls, 'utf8'), /^upgrade --install portainer /m);
});
