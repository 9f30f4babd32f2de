import {isIP} from 'node:net';

/** The 4 or 16 bytes of an IP address as an IP SAN or a name constraint holds them. */
export function ipAddressBytes(ip: string): Buffer {
	if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
	let text = ip;
	// An IPv6 address may end in dotted IPv4 notation (::ffff:1.2.3.4, 64:ff9b::1.2.3.4).
	const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
	if (dotted) {
		const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
		text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
	}

	const [head = '', tail] = text.split('::');
	const front = head === '' ? [] : head.split(':');
	const back = tail === undefined || tail === '' ? [] : tail.split(':');
	const groups = tail === undefined ? front : [...front, ...Array<string>(8 - front.length - back.length).fill('0'), ...back];
	return Buffer.from(groups.flatMap(group => [Number.parseInt(group, 16) >> 8, Number.parseInt(group, 16) & 0xff]));
}

/** The text of an IP SAN's 4 or 16 bytes: dotted IPv4, or IPv6 with every group in hex. */
export function ipAddressText(bytes: Buffer): string {
	if (bytes.length === 4) return [...bytes].join('.');
	const groups: string[] = [];
	for (let i = 0; i + 1 < bytes.length; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
	return groups.join(':');
}
