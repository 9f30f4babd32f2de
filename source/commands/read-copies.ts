import {X509Certificate} from 'node:crypto';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {dockerContainerInspect, dockerCopyOut, dockerSecretInspect, kubectlGetSecret, type LookUp} from '../exec/read-deployed.js';
import {fingerprintLabel, type TargetCopy} from '../plan/certificate-copies.js';
import {inspectCertificate} from '../pki/inspect-certificate.js';
import {pemBlocks} from '../pki/pem-blocks.js';


export type CertificateFacts = {subject: string; sans: string[]; notAfter: string; daysLeft: number; sha256Fingerprint: string};

/** not-running: the container holds the session's copy but is stopped, so nothing serves it. */
export type CopyState = 'match' | 'drift' | 'missing' | 'unreadable' | 'not-running';

export type CopyReport = {
	/** Plain words: "kube secret ns/name key tls.crt", "container portainer:/certs/mtlsca.crt". */
	where: string;
	state: CopyState;
	/** Why it drifts, is missing or cannot be read; what could not be compared. */
	note?: string;
	/** Read from the copy itself; absent where only metadata exists (docker secrets). */
	certificate?: CertificateFacts;
	/** When the copy was created or its container started, as the target reports it. */
	since?: string;
};

/** The facts of the first certificate and the fingerprints of every block, which two copies must share to match. */
export function readPem(text: string): {facts: CertificateFacts; fingerprints: string[]} | undefined {
	const blocks = pemBlocks(text, ['CERTIFICATE']);
	if (blocks.length === 0) return undefined;
	try {
		const report = inspectCertificate(blocks[0]!);
		return {
			facts: {subject: report.subject, sans: report.sans, notAfter: report.notAfter, daysLeft: report.daysLeft, sha256Fingerprint: report.sha256Fingerprint},
			fingerprints: blocks.map(block => new X509Certificate(block).fingerprint256),
		};
	} catch {
		return undefined;
	}
}

type Options = {env: NodeJS.ProcessEnv; signal: AbortSignal};

function notFound<T>(lookUp: LookUp<T>, where: string, what: string): CopyReport | undefined {
	if ('missing' in lookUp) return {where, state: 'missing', note: `${what} not found`};
	if ('error' in lookUp) return {where, state: 'unreadable', note: lookUp.error};
	return undefined;
}

function compared(where: string, text: string, disk: string[], since?: string): CopyReport {
	const read = readPem(text);
	if (!read) return {where, state: 'drift', note: 'holds no readable PEM certificate', ...(since ? {since} : {})};
	const same = read.fingerprints.length === disk.length && read.fingerprints.every((fingerprint, index) => fingerprint === disk[index]);
	return {where, state: same ? 'match' : 'drift', ...(same ? {} : {note: 'another certificate than the session\'s copy'}), certificate: read.facts, ...(since ? {since} : {})};
}

/** Reads one deployed copy and compares it with the session's copy on disk (its certificate fingerprints). */
export async function readCopy(copy: TargetCopy, disk: string[], options: Options): Promise<CopyReport> {
	switch (copy.kind) {
		case 'kube-secret': {
			const where = `kube secret ${copy.namespace}/${copy.secret} key ${copy.key}${copy.context ? ` (context ${copy.context})` : ''}`;
			const secret = await kubectlGetSecret({name: copy.secret, namespace: copy.namespace, ...(copy.context ? {context: copy.context} : {})}, options);
			if (!('found' in secret)) return notFound(secret, where, `secret ${copy.namespace}/${copy.secret}`)!;
			const value = secret.found.data[copy.key];
			if (value === undefined) return {where, state: 'missing', note: `the secret has no key ${copy.key}`};
			return compared(where, Buffer.from(value, 'base64').toString('utf8'), disk, secret.found.createdAt);
		}

		case 'docker-secret': {
			const where = `docker secret ${copy.secret}`;
			const secret = await dockerSecretInspect(copy.secret, options);
			if (!('found' in secret)) return notFound(secret, where, `docker secret ${copy.secret}`)!;
			const label = secret.found.labels[fingerprintLabel];
			const since = secret.found.createdAt;
			const unreadable = 'swarm never hands back a secret\'s data: compared by its label';
			if (label === undefined) return {where, state: 'drift', note: `${unreadable}, and it has no ${fingerprintLabel} label (made by hand, or by another tool)`, ...(since ? {since} : {})};
			const same = label === disk[0];
			return {where, state: same ? 'match' : 'drift', note: `${unreadable} ${fingerprintLabel}=${label}`, ...(since ? {since} : {})};
		}

		case 'container-file': {
			const where = `container ${copy.container}:${copy.path}`;
			const container = await dockerContainerInspect(copy.container, options);
			if (!('found' in container)) return notFound(container, where, `container ${copy.container}`)!;
			const since = container.found.startedAt;
			const scratch = await mkdtemp(join(tmpdir(), 'mtls-wizard-status-'));
			try {
				const copied = await dockerCopyOut(copy.container, copy.path, join(scratch, 'certificate'), options);
				if (!('found' in copied)) return notFound(copied, where, `${copy.path} in the container`)!;
				const report = compared(where, await readFile(copied.found, 'utf8'), disk, since);
				return container.found.running || report.state !== 'match' ? report : {...report, state: 'not-running', note: 'the container is stopped'};
			} finally {
				await rm(scratch, {recursive: true, force: true});
			}
		}
	}
}
