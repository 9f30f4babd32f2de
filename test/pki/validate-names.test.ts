import test from 'ava';
import {UsageError} from '../../source/errors.js';
import {commonNameFileBase, validateCommonName, validateDnsName, validateIpAddress} from '../../source/pki/validate-names.js';

test('accepts host names, single labels and a leftmost wildcard', t => {
	for (const name of ['localhost', 'server.example.com', 'a-1.b2.example', '*.example.com', 'xn--bcher-kva.example']) {
		t.is(validateDnsName(name, '--server-dns'), name);
	}

	t.is(validateDnsName('Server.Example.COM', '--server-dns'), 'server.example.com');
});

test('refuses bad DNS names, naming the field and the value', t => {
	for (const name of ['bad_name!', '', '*.*.x.com', 'a.*.x.com', 'foo*.x.com', '*.com', '-a.example.com', 'a..b', 'a.', `${'a'.repeat(64)}.com`, '10.0.0.1', '300.1.1.1', '1.2.3', '*.example.123']) {
		const error = t.throws(() => validateDnsName(name, '--server-dns'), {instanceOf: UsageError});
		t.true(error.message.startsWith('--server-dns: '), error.message);
		t.true(error.message.includes(name === '' ? '(empty)' : JSON.stringify(name)), error.message);
	}
});

test('accepts IPv4 and IPv6 addresses and refuses anything else', t => {
	t.is(validateIpAddress('127.0.0.1', '--server-ip'), '127.0.0.1');
	t.is(validateIpAddress('fd00::5', '--server-ip'), 'fd00::5');
	for (const ip of ['1.2.3', '256.1.1.1', 'localhost', '']) {
		const error = t.throws(() => validateIpAddress(ip, '--server-ip'), {instanceOf: UsageError});
		t.regex(error.message, /^--server-ip: /);
	}
});

test('one common-name rule: any script up to 64 characters, no control characters', t => {
	for (const cn of ['agent-1', 'Harness Delegate', 'edge-東京', 'my clïent ✓', 'x'.repeat(64), '東'.repeat(64)]) t.is(validateCommonName(cn, '--client-cn'), cn);
	for (const cn of ['', ' ', 'evil\nCN=admin', 'tab\there', 'nul\u0000', 'del\u007f', ' lead', 'x'.repeat(65), 'y'.repeat(1_000_000)]) {
		const error = t.throws(() => validateCommonName(cn, '--client-cn'), {instanceOf: UsageError});
		t.regex(error.message, /^--client-cn: /);
		t.false(error.message.includes('\n'), 'a newline in the value must not start a second line');
		t.true(error.message.length < 300, 'a huge value is not echoed whole');
	}
});

test('a common name becomes a file name part without path separators', t => {
	t.is(commonNameFileBase('agent 1'), 'agent-1');
	t.is(commonNameFileBase('../evil'), 'evil');
	t.is(commonNameFileBase('edge-東京'), 'edge-東京');
	t.is(commonNameFileBase('a/b\\c'), 'a-b-c');
});

test('an IP with a zone id is refused before any certificate exists, naming the address to use', t => {
	const error = t.throws(() => validateIpAddress('fe80::1%eth0', '--server-ip'), {instanceOf: UsageError});
	t.is(error.message, '--server-ip: "fe80::1%eth0" has a zone id (%eth0): an IP SAN holds only the address bytes, and Go refuses such a certificate. Use fe80::1');
});

test('an IPv4-mapped IPv6 address is refused, naming the IPv4 address to use', t => {
	for (const ip of ['::ffff:1.2.3.4', '::FFFF:102:304']) {
		const error = t.throws(() => validateIpAddress(ip, '--server-ip'), {instanceOf: UsageError});
		t.regex(error.message, /IPv4-mapped IPv6 address.*\. Use 1\.2\.3\.4$/);
	}

	t.is(validateIpAddress('64:ff9b::1.2.3.4', '--server-ip'), '64:ff9b::1.2.3.4');
});

test('an internationalised DNS name is refused, naming its xn-- form', t => {
	const error = t.throws(() => validateDnsName('bücher.example', '--server-dns'), {instanceOf: UsageError});
	t.is(error.message, '--server-dns: "bücher.example" is an internationalised name; certificates carry its ASCII form xn--bcher-kva.example. Use xn--bcher-kva.example');
	t.is(validateDnsName('xn--bcher-kva.example', '--server-dns'), 'xn--bcher-kva.example');
});
