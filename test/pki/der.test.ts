import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {der, derTag, oid, readNode, sequence} from '../../source/pki/der.js';
import {tempDir} from '../support/temp-dir.js';
import {openssl} from './support/openssl.js';

// The lengths where DER's length field changes form or grows an octet, and either side of them.
const lengths = [0, 1, 127, 128, 255, 256, 300, 65_535, 65_536, 70_000];

test('elements of every length form are read back by openssl asn1parse with the header and length written', async t => {
	const dir = await tempDir(t);
	for (const length of lengths) {
		const element = der(derTag.octetString, Buffer.alloc(length, 7));
		const file = join(dir, `octets-${length}.der`);
		await writeFile(file, element);
		const parsed = await openssl(['asn1parse', '-inform', 'DER', '-in', file]);
		t.is(parsed.code, 0, parsed.stderr);
		const header = length < 0x80 ? 2 : length < 0x100 ? 3 : length < 0x1_00_00 ? 4 : 5;
		t.regex(parsed.stdout, new RegExp(`^ +0:d=0 +hl=${header} l= *${length} prim: OCTET STRING`), `length ${length}`);
		t.is(element.length, header + length, `length ${length}`);
	}
});

test('content given in parts is laid out in order, as one element holding them', t => {
	const parts = [Buffer.from([1, 2]), Buffer.alloc(200, 9), Buffer.from([3])];
	const node = readNode(sequence(...parts));
	t.is(node.tag, derTag.sequence);
	t.deepEqual(node.content, Buffer.concat(parts));
});

test('OIDs encode as X.509 writes them, the same bytes on every call', t => {
	t.is(oid('2.5.29.19').toString('hex'), '0603551d13');
	t.is(oid('1.2.840.113549.1.9.14').toString('hex'), '06092a864886f70d01090e');
	t.is(oid('2.5.29.19').toString('hex'), '0603551d13');
});
