import type {IssueCertificatesStep} from '../plan/types.js';
import {caPaths, leafPaths} from './certificate-paths.js';
import type {PlannedFile, StepRunner} from './types.js';

export const issueCertificatesRunner: StepRunner<IssueCertificatesStep> = {
	kind: 'issue-certificates',
	commands: () => [],
	files(step) {
		const ca = caPaths(step.dir);
		const files: PlannedFile[] = [{path: ca.cert, mode: 0o644, note: step.ca.mode === 'generate' ? `CA certificate (${step.ca.commonName})` : `copy of ${step.ca.certPath}`}];
		if (step.ca.mode === 'generate') files.push({path: ca.key, mode: 0o600, note: 'CA private key'});
		for (const leaf of step.leaves) {
			const paths = leafPaths(step.dir, leaf);
			const names = [...leaf.dnsNames.map(n => `DNS:${n}`), ...leaf.ipAddresses.map(ip => `IP:${ip}`)];
			files.push(
				{path: paths.cert, mode: 0o644, note: `${leaf.role} certificate CN=${leaf.commonName}${names.length > 0 ? ` ${names.join(', ')}` : ''}`},
				{path: paths.key, mode: 0o600, note: `private key (PKCS#8${leaf.keyPassphrase ? ', encrypted' : ''})`},
			);
		}

		return files;
	},
	async run(step, context) {
		// Loaded when the step runs: the PKI modules bring node-forge, which --dry-run and --export (files() only) never need.
		return (await import('./ensure-certificates.js')).ensureCertificates(step, context);
	},
};
