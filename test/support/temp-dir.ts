import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {ExecutionContext} from 'ava';

/** A temp directory removed when the test ends, so failed runs leave nothing behind in /tmp either. */
export async function tempDir(t: Pick<ExecutionContext, 'teardown'>, prefix = 'mtls-wizard-test-'): Promise<string> {
	const dir = await mkdtemp(join(tmpdir(), prefix));
	t.teardown(async () => rm(dir, {recursive: true, force: true}));
	return dir;
}
