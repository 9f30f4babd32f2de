import {X509Certificate} from 'node:crypto';
import {readCertificateDetails} from './certificate-extensions.js';
import {buildCertificatePath} from './certificate-path.js';
import {wholeDaysUntil} from './days.js';
import {pemBlocks} from './pem-blocks.js';

export type CertificateReport = {
	subject: string;
	issuer: string;
	serialNumber: string;
	notBefore: string;
	notAfter: string;
	/** Whole days until notAfter; negative once expired. */
	daysLeft: number;
	expired: boolean;
	isCa: boolean;
	selfSigned: boolean;
	/** Every SAN as Node prints it, e.g. "DNS:localhost", "IP Address:127.0.0.1". */
	sans: string[];
	dnsNames: string[];
	ipAddresses: string[];
	/** undefined when the certificate has no keyUsage extension (any usage). */
	keyUsage: string[] | undefined;
	/** Names such as serverAuth, clientAuth; undefined when there is no EKU extension (any purpose). */
	extendedKeyUsage: string[] | undefined;
	key: {type: string; bits?: number; curve?: string};
	signatureAlgorithm: string;
	sha256Fingerprint: string;
	/** Present when a CA was given. */
	chainsToCa?: boolean;
	chainReason?: string;
};

const ekuNames: Record<string, string> = {
	'1.3.6.1.5.5.7.3.1': 'serverAuth',
	'1.3.6.1.5.5.7.3.2': 'clientAuth',
	'1.3.6.1.5.5.7.3.3': 'codeSigning',
	'1.3.6.1.5.5.7.3.4': 'emailProtection',
	'1.3.6.1.5.5.7.3.8': 'timeStamping',
	'1.3.6.1.5.5.7.3.9': 'OCSPSigning',
	'2.5.29.37.0': 'anyExtendedKeyUsage',
};

function oneLine(name: string): string {
	return name.split('\n').filter(Boolean).join(', ');
}

function splitSans(text: string | undefined): string[] {
	if (!text) return [];
	// Node quotes a value that contains ", " itself, so split only outside quotes.
	return text.match(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g)?.map(s => s.trim()).filter(Boolean) ?? [];
}

function chainCheck(certificate: X509Certificate, caPems: string[], intermediates: X509Certificate[]): {chainsToCa: boolean; chainReason: string} {
	let cas: X509Certificate[];
	try {
		cas = caPems.map(pem => new X509Certificate(pem));
	} catch {
		return {chainsToCa: false, chainReason: 'the given CA is not a valid certificate'};
	}

	// A chain (issuing CA, parents, root) is judged as a TLS peer builds the path through it.
	if (cas.length > 1 || intermediates.length > 0) {
		const path = buildCertificatePath(certificate, intermediates, cas);
		if (!path.ok) return {chainsToCa: false, chainReason: path.reason};
		return {chainsToCa: true, chainReason: `path ${path.path.slice(1).map(c => `"${oneLine(c.subject)}"`).join(' → ')}`};
	}

	const ca = cas[0]!;
	const caName = oneLine(ca.subject);
	if (!readCertificateDetails(ca.raw).isCa) return {chainsToCa: false, chainReason: `the given CA (${caName}) is not a CA certificate (no basicConstraints CA:true)`};
	if (certificate.issuer !== ca.subject) return {chainsToCa: false, chainReason: `issued by "${oneLine(certificate.issuer)}", not by the given CA "${caName}"`};
	if (!certificate.verify(ca.publicKey)) {
		return {chainsToCa: false, chainReason: `names "${caName}" as issuer, but its signature does not verify with that CA's key (another CA with the same name?)`};
	}

	if (!certificate.checkIssued(ca)) return {chainsToCa: false, chainReason: `its authority key identifier does not match the given CA "${caName}"`};
	return {chainsToCa: true, chainReason: `signed by "${caName}"`};
}

/** Everything an operator checks by hand with `openssl x509 -text`, as data. */
export function inspectCertificate(pem: string, options: {caPem?: string; intermediates?: string[]} = {}): CertificateReport {
	const certificate = new X509Certificate(pem);
	const notAfter = new Date(certificate.validTo);
	const details = readCertificateDetails(certificate.raw);
	const sans = splitSans(certificate.subjectAltName);
	const publicKey = certificate.publicKey;
	const keyDetails = publicKey.asymmetricKeyDetails ?? {};
	const report: CertificateReport = {
		subject: oneLine(certificate.subject),
		issuer: oneLine(certificate.issuer),
		serialNumber: certificate.serialNumber,
		notBefore: new Date(certificate.validFrom).toISOString(),
		notAfter: notAfter.toISOString(),
		daysLeft: wholeDaysUntil(notAfter),
		expired: notAfter.getTime() <= Date.now(),
		isCa: details.isCa,
		selfSigned: certificate.checkIssued(certificate) && certificate.verify(publicKey),
		sans,
		dnsNames: sans.filter(s => s.startsWith('DNS:')).map(s => s.slice(4)),
		ipAddresses: sans.filter(s => s.startsWith('IP Address:')).map(s => s.slice(11)),
		keyUsage: details.keyUsage,
		extendedKeyUsage: certificate.keyUsage?.map(oid => ekuNames[oid] ?? oid),
		key: {
			type: publicKey.asymmetricKeyType ?? 'unknown',
			...(keyDetails.modulusLength === undefined ? {} : {bits: keyDetails.modulusLength}),
			...(keyDetails.namedCurve === undefined ? {} : {curve: keyDetails.namedCurve}),
		},
		signatureAlgorithm: details.signatureAlgorithm,
		sha256Fingerprint: certificate.fingerprint256,
	};
	if (options.caPem === undefined) return report;
	const intermediates = (options.intermediates ?? []).map(block => new X509Certificate(block));
	return {...report, ...chainCheck(certificate, pemBlocks(options.caPem, ['CERTIFICATE']), intermediates)};
}
