import {isIP} from 'node:net';
import {badInput} from '../errors.js';

const label = /^[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?$/i;

/**
 * A DNS name as TLS clients match it: letters, digits and inner hyphens, labels up to 63 characters, 253 in all.
 * A wildcard is allowed only as the whole leftmost label of a name with at least two more labels, because
 * TLS clients (Node, Go, Java, browsers) match nothing else.
 */
export function validateDnsName(value: string, field: string): string {
	const name = value.trim().toLowerCase();
	const fix = 'Use a name like server.example.com or *.example.com';
	if (name === '') throw badInput(field, value, 'is not a DNS name', fix);
	if (name.length > 253) throw badInput(field, value, 'is longer than 253 characters', fix);
	if (isIP(name) !== 0) throw badInput(field, value, 'is an IP address, not a DNS name', 'Pass it as an IP address instead (for certs: --server-ip)');
	const labels = name.split('.');
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

/** An IPv4 or IPv6 address, as written in an IP SAN. */
export function validateIpAddress(value: string, field: string): string {
	const ip = value.trim();
	if (isIP(ip) === 0) {
		throw badInput(field, value, 'is not an IPv4 or IPv6 address', 'Use an address like 10.0.0.5 or fd00::5 (DNS names go elsewhere, for certs: --server-dns)');
	}

	return ip;
}

const commonName = /^[A-Za-z\d](?:[A-Za-z\d ._@-]{0,62}[A-Za-z\d_])?$/;

/** A common name that is also safe inside a file name (client-<cn>.crt): letters, digits, space, . _ @ -, at most 64. */
export function validateCommonName(value: string, field: string): string {
	if (!commonName.test(value)) {
		throw badInput(
			field,
			value,
			'is not a usable common name',
			'Use 1 to 64 letters, digits, spaces or . _ @ -, starting with a letter or digit (e.g. agent-1)',
		);
	}

	return value;
}
