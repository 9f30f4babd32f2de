import {copyFile, mkdir} from 'node:fs/promises';
import {join} from 'node:path';
import type {ExecutionContext} from 'ava';
import {chainFile, opensslCa, opensslSignRequest, type OpensslCa} from '../../pki/support/openssl-ca.js';
import {runCli} from '../../support/run-cli.js';
import {tempDir} from '../../support/temp-dir.js';
import {readSessions} from './session-files.js';

export const server = 'api.corp.example';

/** A run that stops for the PKI: its session, output directory and the resume command it printed. */
export async function requested(t: ExecutionContext) {
	const dir = await tempDir(t, 'mtls-run-csr-');
	const home = join(dir, 'home');
	const out = join(dir, 'out');
	const env = {MTLS_WIZARD_HOME: home};
	const run = await runCli(['run', 'generic', '--target', 'bundle', '--out', out, '--set', 'caMode=csr', '--set', `serverName=${server}`, '--set', 'clientCn=edge-東京'], {env});
	t.is(run.exitCode, 0, run.stdout + run.stderr);
	const [session] = await readSessions(home);
	const resume = /^ {2}(mtls-wizard resume \S+ --signed \S+)$/m.exec(run.stdout)?.[1];
	t.is(resume, `mtls-wizard resume ${session!.id} --signed ${join(out, 'signed')}`);
	// The PKI team's side, made by openssl alone: an issuing CA under a root.
	const pki = join(dir, 'pki');
	await mkdir(pki);
	const root = await opensslCa(pki, {name: 'root', subject: '/O=Müller GmbH/CN=Corp Root'});
	const issuing = await opensslCa(pki, {name: 'issuing', subject: '/O=Müller GmbH/CN=Corp Issuing CA', key: 'ec-p256', parent: root, pathLength: 0});
	return {dir, home, out, env, run, session: session!, pki, root, issuing, certs: join(out, 'certs')};
}

export type Requested = Awaited<ReturnType<typeof requested>>;

/** A signed directory as the PKI hands it back: each request signed as it is (unless overridden), the chain as ca.crt. */
export async function signedDir(r: Requested, name: string, sign: Partial<Record<'server' | 'client', (csr: string, ca: OpensslCa) => Promise<string>>> = {}): Promise<string> {
	const dir = join(r.dir, name);
	await mkdir(dir);
	for (const leaf of ['server', 'client'] as const) {
		const csr = join(r.certs, `${leaf}.csr`);
		const made = await (sign[leaf] ?? (async () => opensslSignRequest(r.pki, r.issuing, {name: `${name}-${leaf}`, csrPath: csr})))(csr, r.issuing);
		await copyFile(made, join(dir, `${leaf}.crt`));
	}

	await chainFile(dir, 'ca.crt', [r.issuing, r.root]);
	return dir;
}
