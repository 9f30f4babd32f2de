/**
 * When a certificate ends, read from its DER alone: the deployments list and the record a finished run keeps read
 * it for every certificate of a fleet, where a full X.509 parse of each costs more than reading the files.
 */
import {children, contextConstructed, DerError, derTag, readNode, type DerNode} from './der.js';
import {pemBlocks} from './pem-blocks.js';

/** UTCTime YYMMDDHHMMSSZ (years 1950-2049, RFC 5280 4.1.2.5.1) or GeneralizedTime YYYYMMDDHHMMSSZ, as DER has them. */
function timeOf(node: DerNode): Date {
	const text = node.content.toString('latin1');
	const match = node.tag === derTag.utcTime ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : node.tag === derTag.generalizedTime ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : null;
	if (!match) throw new DerError(`notAfter is not a DER UTCTime or GeneralizedTime: ${JSON.stringify(text)}`);
	const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
	const fullYear = node.tag === derTag.utcTime ? (year < 50 ? 2000 + year : 1900 + year) : year;
	return new Date(Date.UTC(fullYear, month - 1, day, hour, minute, second));
}

/** The notAfter of the first certificate in a PEM text; throws when there is none or it is not X.509 as DER. */
export function certificateNotAfter(pem: string): Date {
	const [block] = pemBlocks(pem, ['CERTIFICATE']);
	if (block === undefined) throw new DerError('no CERTIFICATE block');
	const der = Buffer.from(block.replace(/-----(BEGIN|END) CERTIFICATE-----/g, ''), 'base64');
	const tbs = children(readNode(der))[0];
	if (tbs?.tag !== derTag.sequence) throw new DerError('no tbsCertificate');
	// version [0] is optional; then serialNumber, signature, issuer, validity.
	const fields = children(tbs);
	const validity = fields[fields[0]?.tag === contextConstructed(0) ? 4 : 3];
	if (validity?.tag !== derTag.sequence) throw new DerError('no validity');
	const notAfter = children(validity)[1];
	if (notAfter === undefined) throw new DerError('no notAfter');
	return timeOf(notAfter);
}
