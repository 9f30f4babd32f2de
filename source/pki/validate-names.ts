import {isIP} from 'node:net';
import {domainToASCII} from 'node:url';
import {badInput} from '../errors.js';
import {ipAddressBytes} from './ip-address.js';

const label = /^[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?$/i;

/**
 * A DNS name as TLS clients match it: letters, digits and inner hyphens, labels up to 63 characters, 253 in all.
 * A wildcard is allowed only as the whole leftmost label of a name with at least two more labels, because
 * TLS clients (Node, Go, Java, browsers) match nothing else. `ipFix` says where an IP address typed here goes
 * instead (the caller knows the field or question that takes IPs).
 */
export function validateDnsName(value: string, field: string, ipFix = 'Pass it as an IP address instead (for certs: --server-ip)'): string {
	const name = value.trim().toLowerCase();
	const fix = 'Use a name like server.example.com or *.example.com';
	if (name === '') throw badInput(field, value, 'is not a DNS name', fix);
	// Certificates carry only the ASCII (punycode) form of an internationalised name, and clients match that form.
	if (/[^\x00-\x7f]/.test(name)) {
		const ascii = domainToASCII(name);
		if (ascii === '') throw badInput(field, value, 'is not a valid internationalised domain name', fix);
		throw badInput(field, value, `is an internationalised name; certificates carry its ASCII form ${ascii}`, `Use ${ascii}`);
	}

	if (name.length > 253) throw badInput(field, value, 'is longer than 253 characters', fix);
	if (isIP(name) !== 0) throw badInput(field, value, 'is an IP address, not a DNS name', ipFix);
	const labels = name.split('.');
	// A top-level domain is never all digits (RFC 3696 §2), so 300.1.1.1 is a mistyped address, not a name.
	if (labels.length > 1 && /^\d+$/.test(labels.at(-1) ?? '')) {
		throw badInput(field, value, 'is neither a DNS name (its last label is all digits) nor a valid IP address', `${fix}; an IPv4 address is four numbers from 0 to 255`);
	}

	const [first, ...rest] = labels;
	if (first === '*') {
		if (rest.some(l => l.includes('*'))) {
			throw badInput(field, value, 'has more than one wildcard', 'A wildcard may only be the whole leftmost label, as in *.example.com');
		}

		if (rest.length < 2) throw badInput(field, value, 'is a wildcard over a top-level domain, which TLS clients refuse', 'Use *.example.com or name the host');
	} else if (name.includes('*')) {
		throw badInput(field, value, 'has a wildcard that is not the whole leftmost label', 'A wildcard may only be the whole leftmost label, as in *.example.com');
	}

	for (const l of first === '*' ? rest : labels) {
		if (l === '') throw badInput(field, value, 'has an empty label (two dots in a row, or a leading or trailing dot)', fix);
		if (l.length > 63) throw badInput(field, value, 'has a label longer than 63 characters', fix);
		if (!label.test(l)) {
			throw badInput(field, value, 'is not a valid DNS name (only letters, digits and inner hyphens between dots)', fix);
		}
	}

	return name;
}

/** An IPv4 or IPv6 address, as written in an IP SAN: the address alone, as clients that connect to it compare it. */
export function validateIpAddress(value: string, field: string): string {
	const ip = value.trim();
	const zone = ip.indexOf('%');
	if (zone !== -1 && isIP(ip) === 6) {
		throw badInput(
			field,
			value,
			`has a zone id (${ip.slice(zone)}): an IP SAN holds only the address bytes, and Go refuses such a certificate`,
			`Use ${ip.slice(0, zone)}`,
		);
	}

	if (isIP(ip) === 0) {
		throw badInput(field, value, 'is not an IPv4 or IPv6 address', 'Use an address like 10.0.0.5 or fd00::5 (DNS names go elsewhere, for certs: --server-dns)');
	}

	const bytes = ipAddressBytes(ip);
	if (bytes.length === 16 && bytes.subarray(0, 10).every(b => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
		const v4 = [...bytes.subarray(12)].join('.');
		throw badInput(field, value, `is an IPv4-mapped IPv6 address; clients reaching ${v4} compare the 4-byte address`, `Use ${v4}`);
	}

	return ip;
}

const longestCommonName = 64;

/** A common name as RFC 5280 bounds it (ub-common-name, 64 characters), in any script, without control characters. */
export function validateCommonName(value: string, field: string): string {
	const fix = `Use 1 to ${longestCommonName} characters without control characters (e.g. agent-1)`;
	// badInput shows the value JSON-quoted, so a newline cannot start a second line; a huge value is cut short.
	const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
	if (value.trim() === '') throw badInput(field, value, 'is empty', fix);
	if (/[\p{Cc}\u2028\u2029]/u.test(value)) throw badInput(field, shown, 'holds a control character (a newline, tab or similar)', fix);
	const length = [...value].length;
	if (length > longestCommonName) throw badInput(field, shown, `is ${length} characters long, more than the ${longestCommonName} a certificate allows`, fix);
	if (value.trim() !== value) throw badInput(field, value, 'starts or ends with a space', 'Remove the space');
	return value;
}

/** The part of a file name a common name becomes (client-<base>.crt): letters and digits of any script, . _ @ - */
export function commonNameFileBase(commonName: string): string {
	return commonName.replaceAll(/[^\p{L}\p{N}._@-]+/gu, '-').replace(/^[.-]+/, '') || 'client';
}
