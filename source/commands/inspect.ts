import {X509Certificate} from 'node:crypto';
import {badInput} from '../errors.js';
import {inspectCertificate, type CertificateReport} from '../pki/inspect-certificate.js';
import {pemBlocks} from '../pki/pem-blocks.js';
import {readInputFile} from '../pki/read-input-file.js';

export type InspectOptions = {ca?: string; json?: boolean};

type FileReport = {file: string; certificates: CertificateReport[]};

async function readCertificates(path: string, field: string): Promise<string[]> {
	const text = await readInputFile(path, field);
	const blocks = pemBlocks(text, ['CERTIFICATE']);
	if (blocks.length === 0) {
		const hint = /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text) ? 'holds a private key, not a certificate' : 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)';
		throw badInput(field, path, hint, 'Give a PEM certificate file (convert DER with: openssl x509 -inform der -in FILE)');
	}

	for (const block of blocks) {
		try {
			new X509Certificate(block);
		} catch {
			throw badInput(field, path, 'holds a PEM block that is not a valid X.509 certificate', 'Give a PEM certificate file');
		}
	}

	return blocks;
}

function usage(list: string[] | undefined, absent: string): string {
	return list ? list.join(', ') : absent;
}

function render(report: CertificateReport): string[] {
	const validity = report.expired ? `EXPIRED ${-report.daysLeft} days ago` : `${report.daysLeft} days left`;
	const key = report.key.bits ? `${report.key.type.toUpperCase()} ${report.key.bits} bits` : `${report.key.type.toUpperCase()}${report.key.curve ? ` ${report.key.curve}` : ''}`;
	const lines = [
		`  subject:      ${report.subject}`,
		`  issuer:       ${report.issuer}${report.selfSigned ? ' (self-signed)' : ''}`,
		`  CA:           ${report.isCa ? 'yes' : 'no'}`,
		`  SANs:         ${report.sans.length > 0 ? report.sans.join(', ') : 'none'}`,
		`  key usage:    ${usage(report.keyUsage, 'not restricted (no extension)')}`,
		`  ext. usage:   ${usage(report.extendedKeyUsage, 'not restricted (no extension)')}`,
		`  valid:        ${report.notBefore} to ${report.notAfter} (${validity})`,
		`  key:          ${key}`,
		`  signature:    ${report.signatureAlgorithm}`,
		`  serial:       ${report.serialNumber}`,
		`  SHA-256:      ${report.sha256Fingerprint}`,
	];
	if (report.chainsToCa !== undefined) lines.push(`  chains to CA: ${report.chainsToCa ? 'yes' : 'NO'}: ${report.chainReason}`);
	return lines;
}

/** Exit 0, or 1 when --ca is given and a certificate does not chain to it. */
export async function inspectCommand(files: string[], options: InspectOptions): Promise<number> {
	let caPem: string | undefined;
	if (options.ca !== undefined) {
		// The whole file: an issuing CA and its parents up to the root.
		caPem = (await readCertificates(options.ca, '--ca')).join('');
	}

	const reports: FileReport[] = [];
	for (const file of files) {
		const blocks = await readCertificates(file, 'FILE');
		// The blocks after a leaf are its intermediates, as a TLS peer sends them.
		reports.push({file, certificates: blocks.map((pem, index) => inspectCertificate(pem, caPem === undefined ? {} : {caPem, intermediates: blocks.slice(index + 1)}))});
	}

	if (options.json) {
		process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
	} else {
		const text = reports.flatMap(({file, certificates}) =>
			certificates.flatMap((report, index) => [`${file}${certificates.length > 1 ? ` (certificate ${index + 1} of ${certificates.length})` : ''}:`, ...render(report)]),
		);
		process.stdout.write(`${text.join('\n')}\n`);
	}

	const broken = reports.some(r => r.certificates.some(c => c.chainsToCa === false));
	return broken ? 1 : 0;
}
