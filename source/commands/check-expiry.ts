import {X509Certificate} from 'node:crypto';
import {readdir, stat} from 'node:fs/promises';
import {join} from 'node:path';
import {badInput} from '../errors.js';
import {pemBlocks} from '../pki/pem-blocks.js';
import {readInputFile} from '../pki/read-input-file.js';

export type CheckExpiryOptions = {within?: string; json?: boolean};

type Verdict = 'ok' | 'renew' | 'expired';

type ExpiryEntry = {file: string; index: number; commonName: string; subject: string; notAfter: string; daysLeft: number; verdict: Verdict};

const unitMs: Record<string, number> = {s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000};

/** The window in milliseconds; `30d`, `12h`, `720h`, `2w` as `step` and cron users write them. */
function parseWithin(value: string): number {
	const match = /^(\d+)([smhdw])$/.exec(value.trim());
	if (!match) throw badInput('--within', value, 'is not a duration', 'Give a number and a unit s, m, h, d or w, e.g. --within 30d or --within 720h');
	return Number(match[1]) * unitMs[match[2]!]!;
}

// A bundle directory also holds keys, values and scripts: only these names are read as certificates.
const certificateFile = /\.(crt|pem|cer|cert)$/i;

async function filesIn(dir: string): Promise<string[]> {
	const entries = await readdir(dir, {withFileTypes: true});
	const nested = await Promise.all(
		entries
			.sort((a, b) => a.name.localeCompare(b.name))
			.map(async entry => {
				const path = join(dir, entry.name);
				if (entry.isDirectory()) return filesIn(path);
				return entry.isFile() && certificateFile.test(entry.name) ? [path] : [];
			}),
	);
	return nested.flat();
}

function certificatesOf(text: string, path: string): X509Certificate[] {
	return pemBlocks(text, ['CERTIFICATE']).map(block => {
		try {
			return new X509Certificate(block);
		} catch {
			throw badInput('FILE', path, 'holds a PEM block that is not a valid X.509 certificate', 'Give PEM certificate files or directories holding them');
		}
	});
}

async function entriesFor(argument: string, windowMs: number): Promise<ExpiryEntry[]> {
	const info = await stat(argument).catch(() => undefined);
	if (!info) throw badInput('FILE', argument, 'does not exist', 'Give the path of a PEM certificate file or of a directory holding them');
	const paths = info.isDirectory() ? await filesIn(argument) : [argument];
	const entries: ExpiryEntry[] = [];
	for (const path of paths) {
		const certificates = certificatesOf(await readInputFile(path, 'FILE'), path);
		certificates.forEach((certificate, index) => entries.push(entryFor(path, index, certificate, windowMs)));
	}

	if (entries.length === 0) {
		const where = info.isDirectory() ? 'holds no PEM certificate in a *.crt, *.pem, *.cer or *.cert file' : 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)';
		throw badInput('FILE', argument, where, 'Give PEM certificate files or directories holding them (convert DER with: openssl x509 -inform der -in FILE)');
	}

	return entries;
}

function entryFor(file: string, index: number, certificate: X509Certificate, windowMs: number): ExpiryEntry {
	const notAfter = new Date(certificate.validTo);
	const leftMs = notAfter.getTime() - Date.now();
	const subject = certificate.subject.split('\n').filter(Boolean).join(', ');
	const commonName = /(?:^|\n)CN=([^\n]*)/.exec(certificate.subject)?.[1] ?? '';
	const verdict: Verdict = leftMs <= 0 ? 'expired' : leftMs <= windowMs ? 'renew' : 'ok';
	return {file, index, commonName, subject, notAfter: notAfter.toISOString(), daysLeft: Math.floor(leftMs / unitMs['d']!), verdict};
}

const verdictText: Record<Verdict, string> = {ok: 'ok', renew: 'RENEW (expires within the window)', expired: 'EXPIRED'};

/**
 * Exit codes as `step certificate needs-renewal`: 0 no certificate needs renewal, 1 at least one expires within
 * the window or has expired, 2 bad input.
 */
export async function checkExpiryCommand(paths: string[], options: CheckExpiryOptions): Promise<number> {
	const within = options.within ?? '30d';
	const windowMs = parseWithin(within);
	const entries: ExpiryEntry[] = [];
	for (const path of paths) entries.push(...(await entriesFor(path, windowMs)));

	if (options.json) {
		process.stdout.write(`${JSON.stringify({within, certificates: entries}, null, 2)}\n`);
	} else {
		const lines = entries.map(e => {
			const where = `${e.file}${e.index > 0 ? ` #${e.index + 1}` : ''}`;
			return `${where}  CN=${e.commonName || '(none)'}  notAfter ${e.notAfter}  ${e.daysLeft} days left  ${verdictText[e.verdict]}`;
		});
		process.stdout.write(`${lines.join('\n')}\n`);
	}

	return entries.some(e => e.verdict !== 'ok') ? 1 : 0;
}
