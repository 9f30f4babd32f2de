import {readFile} from 'node:fs/promises';
import {badInput} from '../errors.js';
import {certificateCopies} from '../plan/certificate-copies.js';
import {isToDoByHand} from '../plan/manual-steps.js';
import type {Plan} from '../plan/types.js';
import {isPastStep} from '../session/step-states.js';
import type {Session} from '../session/types.js';
import {readCopy, readPem, type CertificateFacts, type CopyReport} from './read-copies.js';
import {finishedSession, planOfSession} from '../session/session-plan.js';

export type StatusOptions = {warnDays?: string; json?: boolean};

type CertificateStatus = {id: string; file: string; disk: CertificateFacts | {problem: string}; copies: CopyReport[]; expiring: boolean};

type Confirmation = {stepId: string; title: string; kind: string; state: string; detail?: string; at?: string};

const dayMs = 86_400_000;

function parseWarnDays(value: string | undefined): number {
	if (value === undefined) return 30;
	if (!/^\d+$/.test(value.trim())) throw badInput('--warn-days', value, 'is not a whole number of days', 'Give a number such as --warn-days 30');
	return Number(value);
}

function expiresWithin(facts: CertificateFacts, warnDays: number): boolean {
	return new Date(facts.notAfter).getTime() - Date.now() < warnDays * dayMs;
}

async function certificateStatus(entry: ReturnType<typeof certificateCopies>[number], warnDays: number, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<CertificateStatus> {
	const text = await readFile(entry.file, 'utf8').catch(() => undefined);
	const disk = text === undefined ? undefined : readPem(text);
	const copies = await Promise.all(entry.copies.map(async copy => readCopy(copy, disk?.fingerprints ?? [], {env, signal})));
	// A drifted copy is reported as drift; what expires is the session's certificate wherever it is deployed.
	const facts = [disk?.facts, ...copies.filter(copy => copy.state === 'match').map(copy => copy.certificate)].filter((f): f is CertificateFacts => f !== undefined);
	return {
		id: entry.id,
		file: entry.file,
		disk: disk?.facts ?? {problem: text === undefined ? 'the session\'s copy is gone from disk' : 'the session\'s copy holds no readable certificate'},
		copies,
		expiring: facts.some(f => expiresWithin(f, warnDays)),
	};
}

/** The confirmation steps of the plan as the session last saw them: the log line or probe, and when. */
function confirmations(plan: Plan, session: Session): Confirmation[] {
	return plan.steps
		.filter(step => step.kind === 'wait-for-log' || step.kind === 'tls-probe')
		.map(step => {
			const saved = session.steps[step.id];
			return {
				stepId: step.id,
				title: step.title,
				kind: step.kind,
				state: saved?.state ?? 'pending',
				...(saved?.detail ? {detail: saved.detail} : {}),
				...(saved?.finishedAt ? {at: saved.finishedAt} : {}),
			};
		});
}

type ToDo = {stepId: string; title: string};

/** The steps by hand the run reached: the tool is past them, the person may not be (a session of an older version has them done). */
function toDoByHand(plan: Plan, session: Session): ToDo[] {
	return plan.steps.filter(step => isToDoByHand(step) && isPastStep(session.steps[step.id]?.state)).map(step => ({stepId: step.id, title: step.title}));
}

function describeFacts(facts: CertificateFacts): string {
	return `${facts.subject}; SANs ${facts.sans.length > 0 ? facts.sans.join(', ') : 'none'}; notAfter ${facts.notAfter} (${facts.daysLeft} day${facts.daysLeft === 1 ? '' : 's'} left); SHA-256 ${facts.sha256Fingerprint}`;
}

function textReport(session: Session, warnDays: number, certificates: CertificateStatus[], confirmed: Confirmation[], toDo: ToDo[], healthy: boolean): string {
	const lines = [`Session ${session.id}: ${session.recipe} --target ${session.target}, ${session.outcome}, updated ${session.updatedAt}`, ''];
	for (const certificate of certificates) {
		lines.push(`${certificate.id}${certificate.expiring ? `  EXPIRES WITHIN ${warnDays} DAYS` : ''}`);
		lines.push(`  on disk ${certificate.file}: ${'problem' in certificate.disk ? certificate.disk.problem : describeFacts(certificate.disk)}`);
		if (certificate.copies.length === 0) lines.push('  no copy in the target that status can read back (kept on disk, or handed over by hand)');
		for (const copy of certificate.copies) {
			const state = copy.state === 'match' ? 'match' : copy.state.toUpperCase();
			lines.push(`  ${copy.where}: ${state}${copy.note ? ` (${copy.note})` : ''}${copy.since ? `, since ${copy.since}` : ''}`);
			if (copy.certificate) lines.push(`    ${describeFacts(copy.certificate)}`);
		}
	}

	lines.push('', 'Last confirmation:');
	if (confirmed.length === 0) lines.push('  none in this plan (nothing was deployed to confirm)');
	for (const c of confirmed) lines.push(`  ${c.stepId}: ${c.state === 'done' ? c.detail ?? c.title : `${c.state}: ${c.title}`}${c.at ? ` at ${c.at}` : ''}`);
	if (toDo.length > 0) {
		lines.push('', 'Left to do by hand (what status cannot check):');
		for (const step of toDo) lines.push(`  ${step.stepId}: ${step.title}`);
	}

	const copies = certificates.flatMap(c => c.copies);
	const drifted = copies.filter(c => c.state !== 'match').length;
	const expiring = certificates.filter(c => c.expiring).map(c => c.id);
	lines.push(
		'',
		healthy
			? `All ${copies.length} deployed cop${copies.length === 1 ? 'y matches' : 'ies match'} the session's; none expires within ${warnDays} days.`
			: [
					drifted > 0 ? `${drifted} of ${copies.length} deployed cop${copies.length === 1 ? 'y does' : 'ies do'} not match the session's.` : '',
					expiring.length > 0 ? `${expiring.join(', ')} expire${expiring.length === 1 ? 's' : ''} within ${warnDays} days: renew with mtls-wizard renew ${session.id}` : '',
				]
					.filter(Boolean)
					.join(' '),
	);
	return `${lines.join('\n')}\n`;
}

/**
 * What a session deployed and whether it is still there as deployed: each certificate on disk and in the target,
 * compared by fingerprint. Exit 0 all match and none expires within --warn-days, 1 drift or expiring, 2 bad input.
 */
export async function statusCommand(id: string | undefined, options: StatusOptions): Promise<number> {
	const warnDays = parseWarnDays(options.warnDays);
	const env = process.env;
	const session = await finishedSession(env, id, 'report on');
	const {plan} = await planOfSession(session);
	const signal = new AbortController().signal;
	const certificates = await Promise.all(certificateCopies(plan).map(async entry => certificateStatus(entry, warnDays, env, signal)));
	const confirmed = confirmations(plan, session);
	const toDo = toDoByHand(plan, session);
	const healthy = certificates.every(c => !c.expiring && !('problem' in c.disk) && c.copies.every(copy => copy.state === 'match'));
	if (options.json) {
		process.stdout.write(`${JSON.stringify({session: session.id, recipe: session.recipe, target: session.target, outcome: session.outcome, warnDays, healthy, certificates, confirmations: confirmed, toDoByHand: toDo}, null, 2)}\n`);
	} else {
		process.stdout.write(textReport(session, warnDays, certificates, confirmed, toDo, healthy));
	}

	return healthy ? 0 : 1;
}
