/*
 * The small part of DER that X.509 needs, over Buffers. Reading keeps every element's exact bytes, so a name
 * can be copied from one certificate into another unchanged (a re-encoded name may no longer match byte for byte).
 */

export type DerNode = {
	/** The identifier octet: class, constructed bit and tag number (tag numbers above 30 do not occur in X.509). */
	tag: number;
	/** The whole element: identifier, length and content. */
	raw: Buffer;
	content: Buffer;
};

export const derTag = {
	boolean: 0x01,
	integer: 0x02,
	bitString: 0x03,
	octetString: 0x04,
	null: 0x05,
	oid: 0x06,
	utf8String: 0x0c,
	printableString: 0x13,
	ia5String: 0x16,
	utcTime: 0x17,
	generalizedTime: 0x18,
	sequence: 0x30,
	set: 0x31,
} as const;

/** [n] context-specific, constructed (EXPLICIT or a constructed IMPLICIT type). */
export function contextConstructed(n: number): number {
	return 0xa0 | n;
}

/** [n] context-specific, primitive (an IMPLICIT primitive type). */
export function contextPrimitive(n: number): number {
	return 0x80 | n;
}

export class DerError extends Error {}

/** The element that starts at `offset`. */
export function readNode(data: Buffer, offset = 0): DerNode {
	if (offset + 2 > data.length) throw new DerError('truncated DER element');
	const tag = data[offset]!;
	let length = data[offset + 1]!;
	let header = 2;
	if (length & 0x80) {
		const octets = length & 0x7f;
		if (octets === 0 || octets > 4 || offset + 2 + octets > data.length) throw new DerError('unsupported DER length');
		length = 0;
		for (let i = 0; i < octets; i++) length = length * 256 + data[offset + 2 + i]!;
		header += octets;
	}

	const end = offset + header + length;
	if (end > data.length) throw new DerError('DER element runs past its container');
	return {tag, raw: data.subarray(offset, end), content: data.subarray(offset + header, end)};
}

/** The elements inside a constructed element, in order. */
export function children(node: DerNode): DerNode[] {
	const nodes: DerNode[] = [];
	for (let offset = 0; offset < node.content.length; ) {
		const child = readNode(node.content, offset);
		nodes.push(child);
		offset += child.raw.length;
	}

	return nodes;
}

export function decodeOid(content: Buffer): string {
	const parts: number[] = [];
	let value = 0;
	for (const byte of content) {
		value = value * 128 + (byte & 0x7f);
		if (!(byte & 0x80)) {
			parts.push(value);
			value = 0;
		}
	}

	const [first = 0, ...rest] = parts;
	const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
	return [...head, ...rest].join('.');
}

/** The octets a definite length takes: one below 128, else a count octet and the big-endian length. */
function lengthOctets(length: number): number {
	if (length < 0x80) return 1;
	let octets = 1;
	for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets++;
	return octets;
}

/**
 * One element from its content parts, written into a single buffer: a fleet encodes dozens of elements per
 * certificate for every agent, and an element built by concatenating its header and content copies each part twice
 * and leaves four short-lived buffers behind.
 */
export function der(tag: number, ...content: Buffer[]): Buffer {
	let length = 0;
	for (const part of content) length += part.length;
	const header = 1 + lengthOctets(length);
	const element = Buffer.allocUnsafe(header + length);
	element[0] = tag;
	if (length < 0x80) {
		element[1] = length;
	} else {
		element[1] = 0x80 | (header - 2);
		for (let index = header - 1, rest = length; index >= 2; index--, rest = Math.floor(rest / 256)) element[index] = rest & 0xff;
	}

	let offset = header;
	for (const part of content) offset += part.copy(element, offset);
	return element;
}

export function sequence(...content: Buffer[]): Buffer {
	return der(derTag.sequence, ...content);
}

/** Encoded OIDs by their dotted form: X.509 uses a handful, each in every certificate. Callers never write into them. */
const encodedOids = new Map<string, Buffer>();

export function oid(dotted: string): Buffer {
	const known = encodedOids.get(dotted);
	if (known) return known;
	const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
	const bytes: number[] = [];
	for (const arc of [a * 40 + b, ...rest]) {
		const group = [arc & 0x7f];
		for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) group.unshift((value & 0x7f) | 0x80);
		bytes.push(...group);
	}

	const encoded = der(derTag.oid, Buffer.from(bytes));
	encodedOids.set(dotted, encoded);
	return encoded;
}

/** A non-negative INTEGER from its big-endian bytes, with the leading zero DER needs when the top bit is set. */
export function unsignedInteger(bytes: Buffer): Buffer {
	let start = 0;
	while (start < bytes.length - 1 && bytes[start] === 0) start++;
	const trimmed = bytes.subarray(start);
	return der(derTag.integer, trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

export function smallInteger(value: number): Buffer {
	const bytes: number[] = [];
	for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
	return unsignedInteger(Buffer.from(bytes.length === 0 ? [0] : bytes));
}

export function bitString(bytes: Buffer, unusedBits = 0): Buffer {
	return der(derTag.bitString, Buffer.from([unusedBits]), bytes);
}

export function octetString(bytes: Buffer): Buffer {
	return der(derTag.octetString, bytes);
}

export function booleanTrue(): Buffer {
	return der(derTag.boolean, Buffer.from([0xff]));
}

export function utf8String(text: string): Buffer {
	return der(derTag.utf8String, Buffer.from(text, 'utf8'));
}
