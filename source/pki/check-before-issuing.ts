import {badInput} from '../errors.js';
import type {CertificateAuthority} from './certificate-authority.js';
import {daysFromNow, isoDay, wholeDaysUntil} from './days.js';
import {nameConstraintViolation, type ConstrainedNames} from './name-constraints.js';

export type LeafToIssue = ConstrainedNames & {id: string; days: number};

/** How the caller's user names the leaf validity and the CA, so a refusal points at what they typed. */
export type IssuingFields = {days: string; ca: string; caPath: string};

/**
 * Refuses, before any key or file exists, leaves that clients would refuse because of their CA: a leaf that
 * outlives the CA (verification fails from the CA's last day on, while the leaf still looks valid), or a name the
 * CA's name constraints do not permit. One rule for certs and run: refuse with the dates, never clamp silently.
 */
export function checkBeforeIssuing(ca: CertificateAuthority, leaves: LeafToIssue[], fields: IssuingFields): void {
	for (const leaf of leaves) {
		const leafEnd = daysFromNow(leaf.days);
		if (leafEnd.getTime() - ca.notAfter.getTime() > 60_000) {
			throw badInput(
				fields.days,
				String(leaf.days),
				`would make ${leaf.id} valid until ${isoDay(leafEnd)}, after its CA ${fields.caPath} expires on ${isoDay(ca.notAfter)}`,
				`Use ${fields.days} ${Math.max(1, wholeDaysUntil(ca.notAfter))} or less, or use a CA that lives longer`,
			);
		}

		// Every CA on the path constrains the leaf, the root's constraints as much as the issuing CA's.
		for (const [index, link] of ca.chain.entries()) {
			const violation = link.profile.nameConstraints && nameConstraintViolation(link.profile.nameConstraints, leaf);
			if (!violation) continue;
			const whose = index === 0 ? 'its' : `the ${link.certificate.subject.split('\n').join(', ')} parent's`;
			throw badInput(fields.ca, fields.caPath, `cannot sign ${leaf.id}: ${whose} ${violation}`, 'Use names the CA permits, or ask your PKI for a CA whose constraints permit these names');
		}
	}
}
