import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import type {ExecutionContext} from 'ava';
import {makeTestPki, type TestPki} from '../../support/stand-ins/openssl-pki.js';
import {startStandIn} from '../../support/stand-ins/run-stand-in.js';
import {freePort, standInImage} from './support.js';

/*
 * Harness SaaS is the TLS server here: a local harness-manager stand-in on 127.0.0.1 with a server certificate from
 * its own CA (the "public" CA the delegate trusts: the stand-in delegate is given it as STAND_IN_EXTRA_CA, as the
 * real image carries public roots). The account's uploaded ca.crt is the CA the wizard signs with: the run is given
 * that CA (--set caCert/caKey), so the manager can trust it before the run starts, as Harness Support would.
 */

export const delegateManifest = fileURLToPath(new URL('../../fixtures/harness-delegate-manifest.yaml', import.meta.url));

/** A test file's PKI, made in test.before; `remove` belongs in test.after.always (a hook's teardown runs as the hook ends). */
export async function harnessPki(): Promise<{pki: TestPki; remove(): Promise<void>}> {
	const dir = await mkdtemp(join(tmpdir(), 'mtls-e2e-harness-pki-'));
	return {pki: await makeTestPki(dir), remove: async () => rm(dir, {recursive: true, force: true})};
}

export async function startManager(t: ExecutionContext, pki: TestPki) {
	const port = await freePort();
	const manager = startStandIn('harness-manager', {args: ['--cert', pki.server.cert, '--key', pki.server.key, '--client-ca', pki.otherCa.cert, '--port', String(port), '--mode', 'STRICT']});
	t.teardown(async () => manager.stop());
	await manager.waitFor(/listening on https:\/\/127\.0\.0\.1:\d+ \(mTLS mode STRICT\)/);
	return {manager, endpoint: `https://127.0.0.1:${port}`};
}

export const delegateImage = (pki: TestPki, name: string) => ({[name]: standInImage('harness-delegate', {STAND_IN_EXTRA_CA: pki.ca.cert, STAND_IN_HEARTBEAT_MS: '500'})});

// The test CA lives 2 days; leaves must end before it does.
export const ownCa = (pki: TestPki) => ['--set', `caCert=${pki.otherCa.cert}`, '--set', `caKey=${pki.otherCa.key}`, '--set', 'days=1'];

/** `run harness-delegate --target kubectl` with the sample manifest, delegate kubernetes-delegate. */
export const kubectlDelegateRun = (pki: TestPki, endpoint: string, out: string) => [
	'run', 'harness-delegate', '--target', 'kubectl',
	'--set', 'delegateName=kubernetes-delegate',
	'--set', `managerEndpoint=${endpoint}`,
	'--set', `manifest=${delegateManifest}`,
	'--set', 'waitSeconds=60',
	...ownCa(pki),
	'--out', out, '--yes',
];
