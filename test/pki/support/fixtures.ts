import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import forge from 'node-forge';
import type {CertificateAuthority} from '../../../source/pki/certificate-authority.js';
import {issueCa} from '../../../source/pki/issue-ca.js';
import {issueLeaf, type IssuedLeaf, type LeafSpec} from '../../../source/pki/issue-leaf.js';

export type Pki = {ca: CertificateAuthority; server: IssuedLeaf; client: IssuedLeaf};

export const serverNames = {dnsNames: ['localhost', 'server.example.test', '*.apps.example.test'], ipAddresses: ['127.0.0.1', '::1']};

export async function issuePki(options: {keySize?: 2048 | 3072 | 4096; clientPassphrase?: string} = {}): Promise<Pki> {
	const keySize = options.keySize ?? 2048;
	const ca = await issueCa({commonName: 'Test CA', days: 30, keySize});
	const [server, client] = await Promise.all([
		issueLeaf(ca, {role: 'server', commonName: 'localhost', ...serverNames, days: 10, keySize}),
		issueLeaf(ca, {role: 'client', commonName: 'client-1', dnsNames: [], ipAddresses: [], days: 10, keySize}, options.clientPassphrase),
	]);
	return {ca, server, client};
}

export async function issueLeafFor(ca: CertificateAuthority, spec: Partial<LeafSpec> & Pick<LeafSpec, 'role'>): Promise<IssuedLeaf> {
	return issueLeaf(ca, {commonName: 'leaf', dnsNames: [], ipAddresses: [], days: 10, keySize: 2048, ...spec});
}

/** Writes files into dir and returns their paths by name. */
export async function writeAll(dir: string, files: Record<string, string>): Promise<Record<string, string>> {
	const paths: Record<string, string> = {};
	for (const [name, content] of Object.entries(files)) {
		paths[name] = join(dir, name);
		await writeFile(paths[name], content, {mode: 0o600});
	}

	return paths;
}

/**
 * A CA whose validity ended yesterday. Built with forge directly (the engine refuses to make one), signed with
 * SHA-256 like the real thing, so loadCa can only refuse it for being expired.
 */
export function expiredCa(): {certificatePem: string; privateKeyPem: string} {
	const keys = forge.pki.rsa.generateKeyPair({bits: 2048});
	const cert = forge.pki.createCertificate();
	cert.publicKey = keys.publicKey;
	cert.serialNumber = '4c0ffee0';
	cert.validity.notBefore = new Date(Date.now() - 30 * 86_400_000);
	cert.validity.notAfter = new Date(Date.now() - 86_400_000);
	const subject = [{name: 'commonName', value: 'Expired CA'}];
	cert.setSubject(subject);
	cert.setIssuer(subject);
	cert.setExtensions([
		{name: 'basicConstraints', cA: true, critical: true},
		{name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true},
		{name: 'subjectKeyIdentifier'},
	]);
	cert.sign(keys.privateKey, forge.md.sha256.create());
	return {
		certificatePem: forge.pki.certificateToPem(cert),
		privateKeyPem: forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(keys.privateKey))),
	};
}
