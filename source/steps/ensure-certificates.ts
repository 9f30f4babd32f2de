import {X509Certificate, type KeyObject} from 'node:crypto';
import {basename, dirname, join} from 'node:path';
import {StepFailedError, UsageError, WizardError} from '../errors.js';
import {describeFault, faultPath, isFileSystemFault} from '../exec/file-system-fault.js';
import {makeDirectories} from '../exec/make-directories.js';
import {syncDirectory} from '../exec/synced-files.js';
import {quoteWord} from '../exec/shell-quote.js';
import type {CertificateAuthority} from '../pki/certificate-authority.js';
import {checkBeforeIssuing, type IssuingFields} from '../pki/check-before-issuing.js';
import {oneLineName} from '../pki/certificate-path.js';
import {inspectCertificate} from '../pki/inspect-certificate.js';
import {issueCa} from '../pki/issue-ca.js';
import {issueLeaf, signLeaf} from '../pki/issue-leaf.js';
import {wholeDaysUntil} from '../pki/days.js';
import {ipAddressBytes} from '../pki/ip-address.js';
import {loadCa, type CaSources} from '../pki/load-ca.js';
import {pemBlocks} from '../pki/pem-blocks.js';
import {commitFiles, commitNewDirectory, recoverStagedFiles, removeStagedDirectories, type OutputFile, type WrittenFile} from '../pki/write-private-files.js';
import type {IssueCertificatesStep, LeafSpec} from '../plan/types.js';
import {secretEnvName} from '../recipes/collect-answers.js';
import {caPaths, leafPaths, requestFileName} from './certificate-paths.js';
import {eachBounded, threadpoolThreads} from './each-bounded.js';
import {readIfPresent, readLeafKey} from './existing-pki-files.js';
import {keptSignedCertificates, makeRequests, suggestedSignedDir, takenBySession, takenRecord, takeSignedCertificates, type SignedSet} from './signed-elsewhere.js';
import {secretResolver} from './secret-values.js';
import type {StepContext, StepOutcome} from './types.js';

/** Certificates closer than this to expiry are not reused. */
const renewWithinDays = 30;

function info(context: StepContext, line: string): void {
	context.output({line, stream: 'info'});
}

/** What the step will write, committed all or none at its end. */
type Staged = OutputFile[];

async function generatedCa(step: IssueCertificatesStep, context: StepContext, staged: Staged): Promise<{ca: CertificateAuthority; fresh: boolean}> {
	if (step.ca.mode !== 'generate') throw new Error('unreachable');
	const paths = caPaths(step.dir);
	const [cert, key] = await Promise.all([readIfPresent(paths.cert), readIfPresent(paths.key)]);
	if (cert === undefined && key === undefined) {
		const ca = await issueCa({commonName: step.ca.commonName, days: step.ca.days, keySize: step.ca.keySize, ...(step.ca.keyType ? {keyType: step.ca.keyType} : {})});
		staged.push({name: 'ca.key', content: ca.privateKeyPem, secret: true}, {name: 'ca.crt', content: ca.certificatePem, secret: false});
		info(context, `issued a new CA: ${paths.cert}`);
		return {ca, fresh: true};
	}

	// A CA key is the root of everything deployed with it: it is never replaced without the user deciding to.
	const keep = `It is never replaced automatically: move ${paths.cert} and ${paths.key} away to have a new CA issued, or fix them.`;
	if (cert === undefined || key === undefined) {
		throw new StepFailedError(`${step.dir} holds ${cert === undefined ? 'ca.key but no ca.crt' : 'ca.crt but no ca.key'}.`, step.id, keep);
	}

	let ca: CertificateAuthority;
	try {
		ca = await loadCa({certPath: paths.cert, keyPath: paths.key, sources: {cert: paths.cert, key: paths.key, passphrase: undefined, replace: `move ${paths.cert} and ${paths.key} away to have a new one issued`}});
	} catch (error) {
		if (error instanceof WizardError) throw new StepFailedError(`The existing CA cannot be reused: ${error.message}`, step.id, keep);
		throw error;
	}

	const daysLeft = wholeDaysUntil(ca.notAfter);
	if (daysLeft < renewWithinDays) throw new StepFailedError(`The existing CA ${paths.cert} expires in ${daysLeft} days.`, step.id, keep);
	checkLeaves(step, ca, {days: 'days', ca: 'the kept CA', caPath: paths.cert});
	info(context, `reusing the CA in ${paths.cert} (valid for ${daysLeft} more days)`);
	return {ca, fresh: false};
}

/** The user's own CA comes from answers during run, resume and the wizard, not from the certs flags. */
const ownCaAnswers: CaSources = {
	cert: 'answer caCert',
	key: 'answer caKey',
	passphrase: `the caKeyPassphrase answer (${secretEnvName('caKeyPassphrase')} or --answers)`,
	replace: 'leave caCert and caKey unset to have a new CA issued',
};

/** A renewal signs with the CA the deployment trusts: the session's own, kept where the session wrote it. */
const renewedCa: CaSources = {
	cert: 'the CA certificate of the renewed deployment',
	key: 'the CA key of the renewed deployment',
	passphrase: ownCaAnswers.passphrase,
	replace: 'put back the ca.crt and ca.key the deployment was made with, or deploy anew with mtls-wizard run',
};

async function importedCa(step: IssueCertificatesStep, context: StepContext, staged: Staged): Promise<CertificateAuthority> {
	if (step.ca.mode !== 'import') throw new Error('unreachable');
	const passphrase = step.ca.passphrase ? secretResolver(context.secrets, step.id)(step.ca.passphrase) : undefined;
	const ca = await loadCa({
		certPath: step.ca.certPath,
		keyPath: step.ca.keyPath,
		...(passphrase === undefined ? {} : {passphrase}),
		sources: step.renew ? renewedCa : ownCaAnswers,
	});
	checkLeaves(step, ca, {days: 'days', ca: ownCaAnswers.cert, caPath: step.ca.certPath});
	// Only the certificate is copied beside the leaves (secrets and trust stores need it); the user's key stays where it is.
	const copy = caPaths(step.dir).cert;
	// The whole chain: trust files hold the issuing CA and its parents up to the root, so every peer builds the path.
	if ((await readIfPresent(copy)) !== ca.chainPem) staged.push({name: 'ca.crt', content: ca.chainPem, secret: false});
	info(context, `using your CA ${step.ca.certPath}`);
	return ca;
}

/** Before anything is written: leaves this CA cannot sign so that clients accept them are bad input. */
function checkLeaves(step: IssueCertificatesStep, ca: CertificateAuthority, fields: IssuingFields): void {
	checkBeforeIssuing(
		ca,
		step.leaves.map(leaf => ({id: `${leaf.id}.crt`, commonName: leaf.commonName, dnsNames: leaf.dnsNames, ipAddresses: leaf.ipAddresses, days: leaf.days})),
		fields,
	);
}

/** The intermediate CAs (issuing CA first) a leaf file must carry after its leaf, none of them missing. */
function missingIntermediates(certPem: string, ca: CertificateAuthority): string[] {
	const carried = new Set(pemBlocks(certPem, ['CERTIFICATE']).slice(1).map(pem => new X509Certificate(pem).fingerprint256));
	return pemBlocks(ca.intermediatesPem, ['CERTIFICATE'])
		.map(pem => new X509Certificate(pem))
		.filter(intermediate => !carried.has(intermediate.fingerprint256))
		.map(intermediate => `"${oneLineName(intermediate.subject)}"`);
}

/** Why an existing certificate cannot be reused with its key, or undefined when it can. */
function certificateProblem(leaf: LeafSpec, certPem: string, key: KeyObject, ca: CertificateAuthority): string | undefined {
	let report;
	let missing: string[];
	try {
		report = inspectCertificate(certPem, {caPem: ca.certificatePem});
		missing = missingIntermediates(certPem, ca);
	} catch {
		return 'the certificate cannot be read';
	}

	if (!report.chainsToCa) return `it is not signed by this CA (${report.chainReason ?? 'unknown issuer'})`;
	// Peers that trust only the root (OpenSSL, Go) build the path from what the leaf's file carries (readme: chains).
	if (missing.length > 0) return `the file does not carry the intermediate CA${missing.length === 1 ? '' : 's'} ${missing.join(', ')} after the leaf`;
	if (report.daysLeft < renewWithinDays) return `it expires in ${report.daysLeft} days`;
	const names = [
		...leaf.dnsNames.filter(name => !report.dnsNames.includes(name)).map(name => `DNS:${name}`),
		// Compared as bytes: Node prints ::1 as 0:0:0:0:0:0:0:1.
		...leaf.ipAddresses.filter(ip => !report.ipAddresses.some(have => ipAddressBytes(have).equals(ipAddressBytes(ip)))).map(ip => `IP:${ip}`),
	];
	if (names.length > 0) return `it lacks the names ${names.join(', ')}`;
	const eku = report.extendedKeyUsage;
	if (eku && leaf.role !== 'client' && !eku.includes('serverAuth')) return 'it lacks serverAuth';
	if (eku && leaf.role !== 'server' && !eku.includes('clientAuth')) return 'it lacks clientAuth';
	if (!new X509Certificate(certPem).checkPrivateKey(key)) return 'it does not match the key';
	return undefined;
}

function issuedPair(leaf: LeafSpec, issued: {privateKeyPem: string; certificatePem: string}): Staged {
	return [
		{name: `${leaf.id}.key`, content: issued.privateKeyPem, secret: true},
		{name: `${leaf.id}.crt`, content: issued.certificatePem, secret: false},
	];
}

/**
 * An existing key is never overwritten (readme): when its certificate is missing or unusable, a new certificate is
 * issued for the same key. A key that cannot serve stops the run (exit 2) naming the file; the user moves it away.
 */
async function ensureLeaf(step: IssueCertificatesStep, leaf: LeafSpec, ca: CertificateAuthority, freshCa: boolean, context: StepContext, emptyDir = false): Promise<Staged> {
	const paths = leafPaths(step.dir, leaf);
	const passphrase = leaf.keyPassphrase ? secretResolver(context.secrets, step.id)(leaf.keyPassphrase) : undefined;
	const [cert, keyPem] = emptyDir ? [undefined, undefined] : await Promise.all([readIfPresent(paths.cert), readIfPresent(paths.key)]);
	const spec = {role: leaf.role, commonName: leaf.commonName, dnsNames: leaf.dnsNames, ipAddresses: leaf.ipAddresses, days: leaf.days, keySize: leaf.keySize, ...(leaf.keyType ? {keyType: leaf.keyType} : {})};
	// Renewal with new keys is what `renew` is asked for: the leaf's old key and certificate are replaced.
	if (step.renew && !step.renew.reuseKeys) {
		info(context, `issuing ${leaf.id}.crt anew with a new key`);
		return issuedPair(leaf, await issueLeaf(ca, spec, passphrase));
	}

	if (keyPem === undefined) {
		if (step.renew) throw new StepFailedError(`${paths.key} is missing, so --reuse-keys has no key to keep.`, step.id, 'Renew without --reuse-keys to have new keys issued.');
		if (cert !== undefined) info(context, `replacing ${leaf.id}.crt: there is no ${leaf.id}.key beside it`);
		return issuedPair(leaf, await issueLeaf(ca, spec, passphrase));
	}

	const read = readLeafKey(leaf, keyPem, passphrase);
	if ('problem' in read && context.earlierFiles?.includes(paths.key)) {
		// This session made the key with answers since changed (another passphrase, or none): it is its own to replace.
		info(context, `issuing ${leaf.id}.key and ${leaf.id}.crt anew: the key this session made before ${read.problem}`);
		return issuedPair(leaf, await issueLeaf(ca, spec, passphrase));
	}

	if ('problem' in read) {
		throw new UsageError(`${paths.key}: ${read.problem}, and an existing key is never overwritten. Move it away to have a new key issued, then continue with mtls-wizard resume.`);
	}

	const problem = step.renew ? 'renewing with the same key' : cert === undefined ? `there is no ${leaf.id}.crt` : freshCa ? 'the CA is new' : certificateProblem(leaf, cert, read.key, ca);
	if (problem === undefined) {
		info(context, `reusing ${paths.cert} (valid, carries every name)`);
		return [];
	}

	info(context, `issuing a new ${leaf.id}.crt for the existing ${leaf.id}.key: ${problem}`);
	const issued = await signLeaf(ca, spec, read.key);
	return [{name: `${leaf.id}.crt`, content: issued.certificatePem, secret: false}];
}

/**
 * CA rotation: the old CA's certificates followed by this step's CA, in one file every trust point can read while the
 * leaves move from one CA to the other. The old CA's file must still be there: it is what the deployment trusts.
 */
async function trustBundle(step: IssueCertificatesStep, ca: CertificateAuthority): Promise<Staged> {
	const {path, first} = step.trustBundle!;
	if (dirname(path) !== step.dir) throw new Error(`${step.id}: the trust bundle ${path} must be written in ${step.dir}`);
	const old = await readIfPresent(first);
	const certificates = old === undefined ? [] : pemBlocks(old, ['CERTIFICATE']);
	if (certificates.length === 0) {
		throw new StepFailedError(`${first} ${old === undefined ? 'is missing' : 'holds no certificate'}: it is the CA the deployment trusts, and the trust bundle must hold it beside the new CA.`, step.id, 'Put back the ca.crt the deployment was made with, then continue with mtls-wizard resume.');
	}

	const content = [...certificates, ...pemBlocks(ca.chainPem, ['CERTIFICATE'])].map(pem => `${pem.trim()}\n`).join('');
	if ((await readIfPresent(path)) === content) return [];
	return [{name: basename(path), content, secret: false}];
}

/**
 * Everything staged in dir, all or none; a full disk or a bad mount is the step's failure with the fix. Each caller
 * has already finished or removed what a killed run left in dir. `newDirectory`: dir does not exist yet and is
 * written whole (commitNewDirectory).
 */
async function commitStaged(step: IssueCertificatesStep, staged: Staged, dir = step.dir, newDirectory = false): Promise<WrittenFile[]> {
	return (newDirectory ? commitNewDirectory(dir, staged) : commitFiles(dir, staged, {recovered: true})).catch((error: unknown) => {
		if (!isFileSystemFault(error)) throw error;
		const failure = new StepFailedError(
			`${dir} ${describeFault(error)}: the certificates cannot be written there.`,
			step.id,
			'Nothing was half-written. Free space or fix the mount, then continue with mtls-wizard resume (or start again with another --out).',
		);
		// Export words the fault for its own --export directory (this one is its temporary build directory).
		failure.cause = error;
		throw failure;
	});
}

/**
 * Fleet agents issued at once. An RSA key holds a threadpool thread for a tenth of a second or more: as many agents as
 * threads keep every thread making keys (as bare key generation does), and an agent writing its bundle has no key in
 * the making, so its file-system calls find a thread free instead of queueing behind keys that have not started. An
 * ECDSA key takes well under a millisecond: the agents then wait on their file-system calls (a few at a time each),
 * so more of them at once keep the threads busy.
 */
function agentsInFlight(agents: LeafSpec[]): number {
	return agents.some(leaf => (leaf.keyType ?? 'rsa') === 'rsa') ? threadpoolThreads : 4 * threadpoolThreads;
}

function bundleDirectoryFault(step: IssueCertificatesStep, dir: string): (error: unknown) => never {
	return error => {
		if (!isFileSystemFault(error)) throw error;
		throw new StepFailedError(`${faultPath(error, dir)} ${describeFault(error)}: the bundle directory ${dir} cannot be created.`, step.id, 'Fix the path or the mount, then continue with mtls-wizard resume.');
	};
}

/**
 * The fleet agents' directories that do not exist yet, from one listing of each parent rather than a lookup per
 * agent, once what killed runs left half-made there is removed. Parents are made when missing.
 */
async function newAgentDirectories(step: IssueCertificatesStep, agents: LeafSpec[]): Promise<{parents: string[]; fresh: Set<string>}> {
	const parents = [...new Set(agents.map(leaf => dirname(leaf.dir!)))];
	const present = new Map<string, Set<string>>();
	for (const parent of parents) {
		await makeDirectories(parent).catch(bundleDirectoryFault(step, parent));
		present.set(parent, await removeStagedDirectories(parent).catch(bundleDirectoryFault(step, parent)));
	}

	return {parents, fresh: new Set(agents.filter(leaf => !present.get(dirname(leaf.dir!))!.has(basename(leaf.dir!))).map(leaf => leaf.dir!))};
}

/**
 * A fleet agent's bundle: its key and certificate and a copy of the CA, committed all or none in its own directory
 * as soon as they are issued, so nothing of the fleet waits in memory for the rest. A directory that does not exist
 * yet holds nothing to finish, reuse or compare: a fleet's first run reads nothing per agent and writes each bundle
 * whole under a hidden name, then renames it into place.
 */
async function ensureAgent(step: IssueCertificatesStep, leaf: LeafSpec, ca: CertificateAuthority, freshCa: boolean, context: StepContext, fresh: boolean): Promise<{files: string[]; issued: boolean}> {
	const dir = leaf.dir!;
	const caCopy: OutputFile = {name: 'ca.crt', content: ca.chainPem, secret: false};
	if (fresh) {
		const written = await commitStaged(step, [...(await ensureLeaf(step, leaf, ca, freshCa, context, true)), caCopy], dir, true);
		return {files: written.map(file => file.path), issued: true};
	}

	await makeDirectories(dir).catch(bundleDirectoryFault(step, dir));
	await recoverStagedFiles(dir);
	const staged = await ensureLeaf(step, leaf, ca, freshCa, context);
	if ((await readIfPresent(caPaths(dir).cert)) !== ca.chainPem) staged.push(caCopy);
	const written = await commitStaged(step, staged, dir);
	return {files: written.map(file => file.path), issued: staged.some(file => file.name !== 'ca.crt' && file.name.endsWith('.crt'))};
}

/**
 * caMode=csr: with the signed certificates (resume --signed), take them; with valid ones already here (a re-run),
 * keep them; otherwise make the keys and requests and stop the run until the PKI has signed.
 */
async function signedElsewhere(step: IssueCertificatesStep, context: StepContext): Promise<StepOutcome> {
	if (step.ca.mode !== 'csr') throw new Error('unreachable');
	const takenDetail = (signed: SignedSet) => `${step.leaves.length} certificate${step.leaves.length === 1 ? '' : 's'} signed by your PKI ("${signed.caSubject}")`;
	if (step.ca.signedDir !== undefined) {
		const signed = await takeSignedCertificates(step, step.ca.signedDir, context.secrets, context.sessionId);
		const record = context.sessionId === undefined ? [] : [takenRecord(step, context.sessionId, step.ca.signedDir, signed)];
		const written = await commitStaged(step, [...signed.files, ...record]);
		info(context, `took the certificates your PKI signed from ${step.ca.signedDir}: each holds its request's key and names, and chains to "${signed.caSubject}"`);
		return {detail: takenDetail(signed), files: written.map(file => file.path)};
	}

	// A resume --signed of this session took them and was killed before the session recorded it: it finishes as it would have.
	const taken = await takenBySession(step, context.secrets, context.sessionId);
	if (taken) {
		info(context, `keeping the certificates your PKI signed, taken into ${step.dir} by an interrupted run of this session`);
		return {detail: takenDetail(taken), files: [...taken.files.map(file => join(step.dir, file.name)), join(step.dir, requestFileName)]};
	}

	// A renewal asks for new certificates: the ones signed for the deployment are what it replaces.
	const kept = step.renew ? undefined : await keptSignedCertificates(step, context.secrets);
	if (kept) {
		info(context, `reusing the certificates your PKI signed in ${step.dir} (valid, each with its request's names)`);
		return {detail: `CA kept ("${kept.caSubject}"); 0 certificates issued, ${step.leaves.length} reused`, files: []};
	}

	const signedDir = suggestedSignedDir(step);
	const resume = ['mtls-wizard', 'resume', ...(context.sessionId ? [context.sessionId] : []), '--signed', quoteWord(signedDir)].join(' ');
	const requests = await makeRequests(step, context.secrets, resume);
	const written = await commitStaged(step, requests.files);
	for (const line of requests.asks) info(context, line);
	return {
		detail: `${step.leaves.length} request${step.leaves.length === 1 ? '' : 's'} for your PKI (${requests.newKeys} new key${requests.newKeys === 1 ? '' : 's'})`,
		files: written.map(file => file.path),
		awaitingSignature: {instructions: requests.putBack, signedDir},
	};
}

/**
 * Issues what is missing or unusable in step.dir and reuses the rest; the CA key is never replaced on its own.
 * Everything issued is written all or none (commitFiles), and what a killed run left half-way is finished or
 * removed first, so a resume always starts from a whole set or none. A fleet's agents come after the shared set,
 * streamed: a bounded number at a time, each agent's bundle committed on its own, progress reported as they finish.
 */
export async function ensureCertificates(step: IssueCertificatesStep, context: StepContext): Promise<StepOutcome> {
	// Only a directory made here is 0700: an --out the user already had keeps its mode.
	await makeDirectories(step.dir).catch((error: unknown) => {
		if (!isFileSystemFault(error)) throw error;
		throw new StepFailedError(`${faultPath(error, step.dir)} ${describeFault(error)}: the certificates directory ${step.dir} cannot be created.`, step.id, 'Fix the path or the mount, or start again with another --out.');
	});
	const recovered = await recoverStagedFiles(step.dir);
	if (recovered === 'completed') info(context, `finished moving into place the certificates an interrupted run had issued in ${step.dir}`);
	if (recovered === 'removed') info(context, `removed the unfinished certificates an interrupted run left in ${step.dir}`);
	if (step.ca.mode === 'csr') return signedElsewhere(step, context);
	const staged: Staged = [];
	const {ca, fresh} = step.ca.mode === 'generate' ? await generatedCa(step, context, staged) : {ca: await importedCa(step, context, staged), fresh: false};
	if (step.trustBundle) staged.push(...(await trustBundle(step, ca)));
	const shared = step.leaves.filter(leaf => leaf.dir === undefined);
	const agents = step.leaves.filter(leaf => leaf.dir !== undefined);
	const leaves = await Promise.all(shared.map(async leaf => ensureLeaf(step, leaf, ca, fresh, context)));
	staged.push(...leaves.flat());
	// The CA first: an agent committed before it would be signed by a CA a killed run never kept.
	const files = (await commitStaged(step, staged)).map(file => file.path);
	let issued = leaves.filter(set => set.some(file => file.name.endsWith('.crt'))).length;
	if (agents.length > 0) {
		let done = 0;
		context.progress?.(0, agents.length);
		const made = await newAgentDirectories(step, agents);
		await eachBounded(agents, agentsInFlight(agents), async leaf => {
			const agent = await ensureAgent(step, leaf, ca, fresh, context, made.fresh.has(leaf.dir!));
			files.push(...agent.files);
			if (agent.issued) issued += 1;
			done += 1;
			context.progress?.(done, agents.length);
		});
		// The new bundles' renames, made durable together before the step is reported done.
		if (made.fresh.size > 0) await Promise.all(made.parents.map(async parent => syncDirectory(parent)));
	}

	const reused = step.leaves.length - issued;
	return {
		detail: `${fresh ? 'new CA' : 'CA kept'}; ${issued} certificate${issued === 1 ? '' : 's'} issued${reused > 0 ? `, ${reused} reused` : ''}`,
		files,
	};
}
