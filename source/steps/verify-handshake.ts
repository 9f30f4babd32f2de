import {createPrivateKey} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {StepFailedError} from '../errors.js';
import type {VerifyHandshakeStep} from '../plan/types.js';
import type {StepRunner} from './types.js';

async function readPem(step: VerifyHandshakeStep, path: string): Promise<string> {
	try {
		return await readFile(path, 'utf8');
	} catch {
		throw new StepFailedError(`${path} cannot be read; the certificate step must run first.`, step.id);
	}
}

/**
 * An encrypted key (Steadybit's agent key) is decrypted in memory for the test handshake. The step carries no
 * passphrase reference, so the passphrase is the secret answer that opens it; none of them is ever shown.
 */
function usableKey(step: VerifyHandshakeStep, path: string, pem: string, secrets: Readonly<Record<string, string>>): string {
	if (!pem.includes('ENCRYPTED')) return pem;
	for (const passphrase of Object.values(secrets)) {
		try {
			return createPrivateKey({key: pem, format: 'pem', passphrase}).export({type: 'pkcs8', format: 'pem'}).toString();
		} catch {
			// Not this one; try the next secret answer.
		}
	}

	throw new StepFailedError(`${path} is encrypted and none of the secret answers decrypts it.`, step.id, 'Give the key passphrase answer again.');
}

export const verifyHandshakeRunner: StepRunner<VerifyHandshakeStep> = {
	kind: 'verify-handshake',
	commands: () => [],
	async run(step, context) {
		const clientDir = step.clientDir ?? step.dir;
		const paths = {serverKey: join(step.dir, `${step.server}.key`), clientKey: join(clientDir, `${step.client}.key`)};
		const [caPem, serverCertPem, serverKey, clientCertPem, clientKey] = await Promise.all(
			[step.caFile ?? join(step.dir, 'ca.crt'), join(step.dir, `${step.server}.crt`), paths.serverKey, join(clientDir, `${step.client}.crt`), paths.clientKey].map(async path => readPem(step, path)),
		);
		// Loaded when the step runs: the proof brings node-forge (for the throwaway CA), which --dry-run never needs.
		const {verifyMutualTls} = await import('../pki/verify-mutual-tls.js');
		const report = await verifyMutualTls({
			caPem: caPem!,
			serverCertPem: serverCertPem!,
			serverKeyPem: usableKey(step, paths.serverKey, serverKey!, context.secrets),
			clientCertPem: clientCertPem!,
			clientKeyPem: usableKey(step, paths.clientKey, clientKey!, context.secrets),
			serverName: step.serverName,
		});
		for (const handshake of report.cases) {
			context.output({line: `${handshake.passed ? 'ok' : 'FAILED'}: ${handshake.name}: ${handshake.outcome} (${handshake.reason})`, stream: 'info'});
		}

		const failed = report.cases.filter(c => !c.passed);
		if (failed.length > 0) {
			throw new StepFailedError(
				`The local mutual-TLS check failed: ${failed.map(c => `${c.name}: expected ${c.expected}, ${c.outcome}: ${c.reason}`).join('; ')}`,
				step.id,
				'Nothing was deployed. Check the certificate names and roles in your answers, or delete the certificates to have them issued again.',
			);
		}

		return {detail: `mutual TLS proven on 127.0.0.1 for ${step.serverName} (${report.cases.length} cases)`};
	},
};
