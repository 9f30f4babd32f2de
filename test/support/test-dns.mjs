#!/usr/bin/env node
// The DNS server of a test's network namespace: the private dockerd is started with --dns pointing here, so
// containers resolve names the way they do on a user's host, where the mTLS domain resolves to the Docker host.
// Answers A queries for NAME=IPV4 pairs given as arguments and for any name under the suffixes given with
// --suffix .test=IPV4; AAAA for those names gets an empty NOERROR (so resolvers fall back to A); everything else
// is NXDOMAIN, since nothing outside the namespace may be asked. UDP only, which is all getaddrinfo, Go's
// resolver and Docker's embedded DNS use for answers this small. Prints "listening" once bound.
import dgram from 'node:dgram';

const exact = new Map();
const suffixes = [];
let bind = '0.0.0.0';
for (let index = 2; index < process.argv.length; index++) {
	const argument = process.argv[index];
	if (argument === '--suffix') {
		const [suffix, address] = process.argv[++index].split('=');
		suffixes.push([suffix.toLowerCase(), address]);
	} else if (argument === '--bind') {
		bind = process.argv[++index];
	} else {
		const [name, address] = argument.split('=');
		exact.set(name.toLowerCase(), address);
	}
}

function addressFor(name) {
	const lower = name.toLowerCase();
	if (exact.has(lower)) return exact.get(lower);
	return suffixes.find(([suffix]) => lower.endsWith(suffix))?.[1];
}

function readName(message, offset) {
	const labels = [];
	while (message[offset] !== 0) {
		const length = message[offset];
		labels.push(message.subarray(offset + 1, offset + 1 + length).toString('latin1'));
		offset += length + 1;
	}

	return {name: labels.join('.'), end: offset + 1};
}

function answer(query) {
	const {name, end} = readName(query, 12);
	const type = query.readUInt16BE(end);
	const question = query.subarray(12, end + 4);
	const address = addressFor(name);
	const records = address && type === 1 ? [address] : [];
	const header = Buffer.alloc(12);
	query.copy(header, 0, 0, 2);
	// QR, opcode from the query, AA, RD copied, RA; RCODE 3 (NXDOMAIN) for names we do not own.
	header.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | (address ? 0 : 3), 2);
	header.writeUInt16BE(1, 4);
	header.writeUInt16BE(records.length, 6);
	const answers = records.map(ip => {
		const record = Buffer.alloc(16);
		record.writeUInt16BE(0xc00c, 0);
		record.writeUInt16BE(1, 2);
		record.writeUInt16BE(1, 4);
		record.writeUInt32BE(5, 6);
		record.writeUInt16BE(4, 10);
		ip.split('.').forEach((part, index) => record.writeUInt8(Number(part), 12 + index));
		return record;
	});
	return Buffer.concat([header, question, ...answers]);
}

const socket = dgram.createSocket('udp4');
socket.on('message', (query, remote) => {
	try {
		socket.send(answer(query), remote.port, remote.address);
	} catch {}
});
socket.bind(53, bind, () => {
	console.log('listening');
});
process.on('SIGTERM', () => process.exit(0));
