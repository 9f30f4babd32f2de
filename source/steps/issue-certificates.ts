import {join} from 'node:path';
import type {IssueCertificatesStep, LeafSpec} from '../plan/types.js';
import {caPaths, leafPaths, requestFileName} from './certificate-paths.js';
import type {PlannedFile, StepRunner} from './types.js';

function describeNames(leaf: LeafSpec): string {
	const names = [...leaf.dnsNames.map(n => `DNS:${n}`), ...leaf.ipAddresses.map(ip => `IP:${ip}`)];
	return `CN=${leaf.commonName}${names.length > 0 ? ` ${names.join(', ')}` : ''}`;
}

export const issueCertificatesRunner: StepRunner<IssueCertificatesStep> = {
	kind: 'issue-certificates',
	commands: () => [],
	files(step) {
		const ca = caPaths(step.dir);
		if (step.ca.mode === 'csr') {
			const from = step.ca.signedDir === undefined ? 'signed by your PKI, given with resume --signed' : `signed by your PKI, from ${step.ca.signedDir}`;
			return [
				{path: ca.cert, mode: 0o644, note: `your PKI's CA chain (${from})`},
				...step.leaves.flatMap(leaf => [
					{path: leafPaths(step.dir, leaf).cert, mode: 0o644, note: `${leaf.role} certificate CN=${leaf.commonName} (${from})`},
					{path: leafPaths(step.dir, leaf).key, mode: 0o600, note: `private key (PKCS#8${leaf.keyPassphrase ? ', encrypted' : ''})`},
					{path: join(step.dir, `${leaf.id}.csr`), mode: 0o644, note: `certificate request for your PKI: ${describeNames(leaf)}`},
				]),
				{path: join(step.dir, requestFileName), mode: 0o644, note: 'what to ask your PKI for, and where the signed certificates go'},
			];
		}

		const files: PlannedFile[] = [{path: ca.cert, mode: 0o644, note: step.ca.mode === 'generate' ? `CA certificate (${step.ca.commonName})` : `copy of ${step.ca.certPath}`}];
		if (step.ca.mode === 'generate') files.push({path: ca.key, mode: 0o600, note: 'CA private key'});
		if (step.trustBundle) files.push({path: step.trustBundle.path, mode: 0o644, note: `trust bundle: the certificates of ${step.trustBundle.first}, then ${ca.cert}`});
		for (const leaf of step.leaves) {
			const paths = leafPaths(step.dir, leaf);
			files.push(
				{path: paths.cert, mode: 0o644, note: `${leaf.role} certificate ${describeNames(leaf)}`},
				{path: paths.key, mode: 0o600, note: `private key (PKCS#8${leaf.keyPassphrase ? ', encrypted' : ''})`},
			);
			if (leaf.dir) files.push({path: caPaths(leaf.dir).cert, mode: 0o644, note: `copy of ${ca.cert} for agent ${leaf.commonName}`});
		}

		return files;
	},
	async run(step, context) {
		// Loaded when the step runs: the PKI modules bring node-forge, which --dry-run and --export (files() only) never need.
		return (await import('./ensure-certificates.js')).ensureCertificates(step, context);
	},
};
