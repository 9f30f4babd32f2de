import test from 'ava';
import {UsageError} from '../../source/errors.js';
import {validateCommonName, validateDnsName, validateIpAddress} from '../../source/pki/validate-names.js';

test('accepts host names, single labels and a leftmost wildcard', t => {
	for (const name of ['localhost', 'server.example.com', 'a-1.b2.example', '*.example.com', 'xn--bcher-kva.example']) {
		t.is(validateDnsName(name, '--server-dns'), name);
	}

	t.is(validateDnsName('Server.Example.COM', '--server-dns'), 'server.example.com');
});

test('refuses bad DNS names, naming the field and the value', t => {
	for (const name of ['bad_name!', '', '*.*.x.com', 'a.*.x.com', 'foo*.x.com', '*.com', '-a.example.com', 'a..b', 'a.', `${'a'.repeat(64)}.com`, '10.0.0.1']) {
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

test('common names must be usable in a file name', t => {
	t.is(validateCommonName('agent-1', '--client-cn'), 'agent-1');
	t.is(validateCommonName('Harness Delegate', '--client-cn'), 'Harness Delegate');
	for (const cn of ['', '../x', 'a/b', ' lead', 'x'.repeat(65)]) t.throws(() => validateCommonName(cn, '--client-cn'), {instanceOf: UsageError});
});
