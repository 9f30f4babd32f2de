import {isIP} from 'node:net';
import type {NameConstraints, Subtree} from './certificate-profile.js';
import {ipAddressBytes} from './ip-address.js';

/** The names a leaf will carry, as a CA's name constraints judge them. */
export type ConstrainedNames = {commonName: string; dnsNames: string[]; ipAddresses: string[]};

const hostLike = /^(?:[a-z\d](?:[a-z\d-]*[a-z\d])?\.)+[a-z\d](?:[a-z\d-]*[a-z\d])?$/i;

/** RFC 5280 4.2.1.10: "corp.example" covers itself and every name below it; ".corp.example" only the names below. */
function dnsWithin(name: string, base: string): boolean {
	const host = name.toLowerCase();
	if (base === '') return true;
	if (base.startsWith('.')) return host.endsWith(base);
	return host === base || host.endsWith(`.${base}`);
}

function ipWithin(address: Buffer, subtree: {address: Buffer; mask: Buffer}): boolean {
	if (address.length !== subtree.address.length) return false;
	return address.every((byte, i) => (byte & subtree.mask[i]!) === (subtree.address[i]! & subtree.mask[i]!));
}

function describeSubtree(subtree: Subtree): string {
	switch (subtree.kind) {
		case 'dns':
			return `DNS:${subtree.name}`;
		case 'ip': {
			const prefix = [...subtree.mask].reduce((bits, byte) => bits + byte.toString(2).replaceAll('0', '').length, 0);
			const text = subtree.address.length === 4 ? [...subtree.address].join('.') : (subtree.address.toString('hex').match(/.{4}/g) ?? []).join(':');
			return `IP:${text}/${prefix}`;
		}

		case 'directoryName':
			return 'dirName';
		default:
			return `a name of tag 0x${subtree.tag.toString(16)}`;
	}
}

function describeList(subtrees: Subtree[]): string {
	return subtrees.map(describeSubtree).join(', ');
}

/**
 * Why a client that enforces the CA's name constraints (Go, Java, OpenSSL) would refuse a leaf with these names, or
 * undefined. OpenSSL also takes a host-like CN as a DNS name when the leaf has no DNS SAN, so such a CN is judged too.
 */
export function nameConstraintViolation(constraints: NameConstraints, names: ConstrainedNames): string | undefined {
	const dnsNames = names.dnsNames.length > 0 ? names.dnsNames : hostLike.test(names.commonName) && isIP(names.commonName) === 0 ? [names.commonName] : [];
	const permittedDns = constraints.permitted.filter(s => s.kind === 'dns');
	const permittedIp = constraints.permitted.filter(s => s.kind === 'ip');
	for (const name of dnsNames) {
		if (permittedDns.length > 0 && !permittedDns.some(s => dnsWithin(name, s.name))) {
			return `nameConstraints permits only ${describeList(permittedDns)}, not DNS:${name}`;
		}

		const excluded = constraints.excluded.find(s => s.kind === 'dns' && dnsWithin(name, s.name));
		if (excluded) return `nameConstraints excludes ${describeSubtree(excluded)}, which covers DNS:${name}`;
	}

	for (const ip of names.ipAddresses) {
		const bytes = ipAddressBytes(ip);
		if (permittedIp.length > 0 && !permittedIp.some(s => ipWithin(bytes, s))) return `nameConstraints permits only ${describeList(permittedIp)}, not IP:${ip}`;
		const excluded = constraints.excluded.find(s => s.kind === 'ip' && ipWithin(bytes, s));
		if (excluded) return `nameConstraints excludes ${describeSubtree(excluded)}, which covers IP:${ip}`;
	}

	// The leaves' subject is CN=<name> alone, which no directoryName subtree other than the empty name contains.
	if (constraints.permitted.some(s => s.kind === 'directoryName')) {
		return `nameConstraints permits only subjects under ${describeList(constraints.permitted.filter(s => s.kind === 'directoryName'))}, and the leaves' subject is CN=${names.commonName} alone`;
	}

	return undefined;
}
