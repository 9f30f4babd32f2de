import {execFile} from 'node:child_process';
import {existsSync} from 'node:fs';

export const opensslPath = '/usr/bin/openssl';

export type OpensslResult = {code: number; stdout: string; stderr: string};

/** Runs the real openssl CLI (no shell). A missing openssl fails the test that needs it, naming what is missing. */
export async function openssl(args: string[], env: NodeJS.ProcessEnv = {}): Promise<OpensslResult> {
	if (!existsSync(opensslPath)) throw new Error(`${opensslPath} is missing: install the Debian package "openssl" to run the certificate tests`);
	return new Promise(resolve => {
		execFile(opensslPath, args, {env: {...process.env, ...env}}, (error, stdout, stderr) => {
			resolve({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr});
		});
	});
}

/** `openssl verify` with the given purpose and checks; returns its combined output and whether it said OK. */
export async function opensslVerify(caPath: string, certPath: string, extra: string[]): Promise<{ok: boolean; output: string}> {
	const result = await openssl(['verify', '-x509_strict', '-CAfile', caPath, ...extra, certPath]);
	return {ok: result.code === 0 && result.stdout.trim().endsWith(': OK'), output: result.stdout + result.stderr};
}
