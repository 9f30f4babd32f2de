/**
 * caMode=csr: a PKI outside the wizard signs. The first run makes the keys and requests and stops; a resume with
 * --signed DIR takes the signed certificates once each is checked against its request, and the run carries on.
 */
import {X509Certificate, type KeyObject} from 'node:crypto';
import {dirname, join} from 'node:path';
import {badInput, UsageError, WizardError} from '../errors.js';
import {makeDirectories} from '../exec/make-directories.js';
import {buildCertificatePath, oneLineName} from '../pki/certificate-path.js';
import {signedLeafProblem} from '../pki/check-signed-leaf.js';
import {wholeDaysUntil} from '../pki/days.js';
import {generateKey} from '../pki/generate-key.js';
import {requestLeaf, requestLine} from '../pki/issue-leaf.js';
import {readCaChain} from '../pki/load-ca.js';
import {pemBlocks} from '../pki/pem-blocks.js';
import type {OutputFile} from '../pki/write-private-files.js';
import type {IssueCertificatesStep, LeafSpec} from '../plan/types.js';
import {requestFileName} from './certificate-paths.js';
import {readIfPresent, readLeafKey} from './existing-pki-files.js';
import {secretResolver} from './secret-values.js';

/** Certificates closer than this to expiry are asked for again rather than kept. */
const renewWithinDays = 30;

/** Where the run suggests putting the signed certificates: beside the certificates directory, made when it stops. */
export function suggestedSignedDir(step: IssueCertificatesStep): string {
	return join(dirname(step.dir), 'signed');
}

/** The files a signed directory holds: one certificate per request, named like the request, and the CA chain. */
export function signedFileNames(step: IssueCertificatesStep): string[] {
	return [...step.leaves.map(leaf => `${leaf.id}.crt`), 'ca.crt'];
}

function leafSpec(leaf: LeafSpec) {
	return {role: leaf.role, commonName: leaf.commonName, dnsNames: leaf.dnsNames, ipAddresses: leaf.ipAddresses, days: leaf.days, keySize: leaf.keySize, ...(leaf.keyType ? {keyType: leaf.keyType} : {})};
}

async function readSignedFile(path: string, what: string): Promise<string> {
	const text = await readIfPresent(path).catch((error: unknown) => {
		throw badInput('--signed', path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, 'Make it readable, then resume again');
	});
	if (text === undefined) throw badInput('--signed', path, 'does not exist', `Put there ${what}, then resume again`);
	return text;
}

async function keyOf(step: IssueCertificatesStep, leaf: LeafSpec, secrets: Readonly<Record<string, string>>) {
	const path = join(step.dir, `${leaf.id}.key`);
	const pem = await readIfPresent(path);
	if (pem === undefined) {
		throw new UsageError(`${path}: does not exist, and ${leaf.id}.csr was made for the key that was there. Resume without --signed to make a new key and request for your PKI.`);
	}

	const read = readLeafKey(leaf, pem, leaf.keyPassphrase ? secretResolver(secrets, step.id)(leaf.keyPassphrase) : undefined);
	if ('problem' in read) throw new UsageError(`${path}: ${read.problem}, and an existing key is never overwritten. Move it away, then resume without --signed for a new request.`);
	return read.key;
}

export type SignedSet = {files: OutputFile[]; caSubject: string; daysLeft: number; fingerprints: Map<string, string>};

const takenHeading = 'Taken for session ';

/**
 * What the commit of taken certificates writes over REQUEST.txt, in the same all-or-none commit: the session and each
 * leaf's SHA-256. A resume --signed killed after that commit and before the session recorded the step finds here
 * that these very certificates are its own, not the ones a renewal replaces; new requests write REQUEST.txt anew.
 */
export function takenRecord(step: IssueCertificatesStep, sessionId: string, signedDir: string, signed: SignedSet): OutputFile {
	const lines = [`${takenHeading}${sessionId} from ${signedDir}: the certificates your PKI signed for the requests here.`];
	for (const leaf of step.leaves) lines.push(`  ${leaf.id}.crt  SHA-256 ${signed.fingerprints.get(leaf.id)}`);
	return {name: requestFileName, content: `${lines.join('\n')}\n`, secret: false};
}

/** The leaves' fingerprints REQUEST.txt records as taken for this session, or none. */
async function takenFor(step: IssueCertificatesStep, sessionId: string | undefined): Promise<Map<string, string>> {
	const taken = new Map<string, string>();
	const text = sessionId === undefined ? undefined : await readIfPresent(join(step.dir, requestFileName));
	if (!text?.startsWith(`${takenHeading}${sessionId} from `)) return taken;
	for (const line of text.split('\n').slice(1)) {
		const match = /^ {2}(\S+)\.crt {2}SHA-256 (\S+)$/.exec(line);
		if (match) taken.set(match[1]!, match[2]!);
	}

	return taken;
}

/** The certificates in the step's directory when each is one this session took (REQUEST.txt records it) and still passes. */
export async function takenBySession(step: IssueCertificatesStep, secrets: Readonly<Record<string, string>>, sessionId: string | undefined): Promise<SignedSet | undefined> {
	const taken = await takenFor(step, sessionId);
	if (taken.size === 0) return undefined;
	for (const leaf of step.leaves) {
		const text = await readIfPresent(join(step.dir, `${leaf.id}.crt`));
		if (text === undefined || taken.get(leaf.id) !== fingerprintOf(text)) return undefined;
	}

	return takeSignedCertificates(step, step.dir, secrets, sessionId).catch((error: unknown) => {
		if (error instanceof WizardError) return undefined;
		throw error;
	});
}

function fingerprintOf(pem: string): string | undefined {
	try {
		return new X509Certificate(pem).fingerprint256;
	} catch {
		return undefined;
	}
}

/**
 * The certificates in `signedDir`, each checked against its request's key, names, usages and validity, and the
 * chain in its ca.crt; refused (exit 2) naming the file, why and the fix. What comes back is written to the step's
 * directory: each leaf followed by the intermediates of its path, and the chain as ca.crt.
 */
export async function takeSignedCertificates(step: IssueCertificatesStep, signedDir: string, secrets: Readonly<Record<string, string>>, sessionId?: string): Promise<SignedSet> {
	const caPath = join(signedDir, 'ca.crt');
	await readSignedFile(caPath, 'the issuing CA that signed the certificates, followed by its parents up to the root');
	const chain = await readCaChain(caPath, {cert: '--signed', replace: 'ask your PKI for its current CA chain'});
	const trusted = chain.map(ca => ca.x509);
	const files: OutputFile[] = [];
	const fingerprints = new Map<string, string>();
	const taken = await takenFor(step, sessionId);
	let daysLeft = Number.POSITIVE_INFINITY;
	for (const leaf of step.leaves) {
		const path = join(signedDir, `${leaf.id}.crt`);
		const request = join(step.dir, `${leaf.id}.csr`);
		const text = await readSignedFile(path, `the certificate your PKI signed for ${request}`);
		let certificates: X509Certificate[];
		try {
			certificates = pemBlocks(text, ['CERTIFICATE']).map(pem => new X509Certificate(pem));
		} catch {
			throw badInput('--signed', path, 'holds a PEM block that is not a valid X.509 certificate', 'Put there the certificate in PEM form, optionally followed by its intermediate CAs');
		}

		const problem = signedLeafProblem({label: path, spec: leafSpec(leaf), key: await keyOf(step, leaf, secrets), certificates, chain: trusted}) ?? (await notRenewed(step, leaf, path, certificates[0]!, taken));
		if (problem) throw new UsageError(`--signed: ${problem}. Have your PKI sign ${request}${await asRequestAsks(step)}, put the certificate at ${path}, then resume again.`);
		const [certificate, ...carried] = certificates as [X509Certificate, ...X509Certificate[]];
		const built = buildCertificatePath(certificate, carried, trusted).path;
		// What a TLS peer sends: the leaf and the intermediates of its path (a root is the peer's to have).
		const intermediates = built.slice(1).filter(ca => !(ca.checkIssued(ca) && ca.verify(ca.publicKey)));
		files.push({name: `${leaf.id}.crt`, content: [certificate, ...intermediates].map(c => c.toString()).join(''), secret: false});
		daysLeft = Math.min(daysLeft, wholeDaysUntil(new Date(certificate.validTo)));
		fingerprints.set(leaf.id, certificate.fingerprint256);
	}

	files.push({name: 'ca.crt', content: chain.map(ca => ca.pem).join(''), secret: false});
	return {files, caSubject: oneLineName(trusted[0]!.subject), daysLeft, fingerprints};
}

/** Points to REQUEST.txt while it holds the requests; once a take recorded itself there (takenRecord), it asks nothing. */
async function asRequestAsks(step: IssueCertificatesStep): Promise<string> {
	const path = join(step.dir, requestFileName);
	return (await readIfPresent(path))?.startsWith(takenHeading) ? '' : ` as ${path} asks`;
}

/**
 * A renewal (with --reuse-keys the same key passes) must not take back the certificate it renews; the one this very
 * session already took (`taken`, from REQUEST.txt) is what it finishes with.
 */
async function notRenewed(step: IssueCertificatesStep, leaf: LeafSpec, path: string, signed: X509Certificate, taken: Map<string, string>): Promise<string | undefined> {
	if (!step.renew) return undefined;
	const deployed = await readIfPresent(join(step.dir, `${leaf.id}.crt`));
	if (deployed === undefined || new X509Certificate(deployed).fingerprint256 !== signed.fingerprint256) return undefined;
	if (taken.get(leaf.id) === signed.fingerprint256) return undefined;
	return `${path} is the certificate already deployed (SHA-256 ${signed.fingerprint256}), not a renewed one`;
}

/** Certificates a PKI signed earlier for these keys, still valid with every name: a re-run keeps them. */
export async function keptSignedCertificates(step: IssueCertificatesStep, secrets: Readonly<Record<string, string>>): Promise<SignedSet | undefined> {
	try {
		const set = await takeSignedCertificates(step, step.dir, secrets);
		return set.daysLeft < renewWithinDays ? undefined : set;
	} catch (error) {
		if (error instanceof WizardError) return undefined;
		throw error;
	}
}

/**
 * A renewal with new keys replaces a key while it still serves the deployed certificate beside it. Once replaced, the
 * certificate no longer matches it: asking again (resume without --signed) keeps the key already sent to the PKI.
 */
async function replacedByRenewal(step: IssueCertificatesStep, leaf: LeafSpec, key: KeyObject): Promise<boolean> {
	if (!step.renew || step.renew.reuseKeys) return false;
	const deployed = await readIfPresent(join(step.dir, `${leaf.id}.crt`));
	if (deployed === undefined) return false;
	try {
		return new X509Certificate(deployed).checkPrivateKey(key);
	} catch {
		return false;
	}
}

export type Requests = {
	files: OutputFile[];
	/** What to ask the PKI for, a line per request. */
	asks: string[];
	/** Where the signed certificates go and the command that carries on. */
	putBack: string[];
	newKeys: number;
};

/**
 * A key (kept when one is there, never overwritten) and a CSR per leaf, and REQUEST.txt: a line per request saying
 * what to ask the PKI for, and where the signed certificates go.
 */
export async function makeRequests(step: IssueCertificatesStep, secrets: Readonly<Record<string, string>>, resumeCommand: string): Promise<Requests> {
	const made = await Promise.all(
		step.leaves.map(async leaf => {
			const path = join(step.dir, `${leaf.id}.key`);
			const passphrase = leaf.keyPassphrase ? secretResolver(secrets, step.id)(leaf.keyPassphrase) : undefined;
			const pem = await readIfPresent(path);
			const existing = pem === undefined ? undefined : readLeafKey(leaf, pem, passphrase);
			if (existing && 'problem' in existing) {
				throw new UsageError(`${path}: ${existing.problem}, and an existing key is never overwritten. Move it away to have a new key made, then continue with mtls-wizard resume.`);
			}

			const fresh = existing === undefined || (await replacedByRenewal(step, leaf, existing.key));
			const key = fresh ? await generateKey(leaf.keyType ?? 'rsa', leaf.keySize) : existing.key;
			const request = await requestLeaf(leafSpec(leaf), key, passphrase);
			return {leaf, fresh, request, line: `${`${leaf.id}.csr`.padEnd(14)}  ${requestLine(leafSpec(leaf), key)}`};
		}),
	);
	const signedDir = suggestedSignedDir(step);
	const asks = [`Ask your PKI to sign each request in ${step.dir} (keep the .key files where they are):`, ...made.map(m => `  ${m.line}`)];
	const putBack = [
		`Put the signed certificates into ${signedDir} as ${step.leaves.map(leaf => `${leaf.id}.crt`).join(', ')} (each may be followed by its intermediate CAs),`,
		'and the issuing CA followed by its parents up to the root as ca.crt. Then continue with:',
		`  ${resumeCommand}`,
	];
	const files: OutputFile[] = made.flatMap(m => [
		...(m.fresh ? [{name: `${m.leaf.id}.key`, content: m.request.privateKeyPem, secret: true}] : []),
		{name: `${m.leaf.id}.csr`, content: m.request.csrPem, secret: false},
	]);
	files.push({name: requestFileName, content: `${[...asks, ...putBack].join('\n')}\n`, secret: false});
	await makeDirectories(signedDir);
	return {files, asks, putBack, newKeys: made.filter(m => m.fresh).length};
}
