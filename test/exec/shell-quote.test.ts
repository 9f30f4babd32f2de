import {execFileSync} from 'node:child_process';
import test from 'ava';
import {quoteCommand, quoteWord} from '../../source/exec/shell-quote.js';

const awkward = ['plain', 'with space', "it's", '$HOME', '`id`', 'a"b', '*.yaml', '~user', '', 'new\nline', 'tab\there', '!bang', 'back\\slash', '--from-file=client.crt=/tmp/x y/c.crt', 'é'];

test('every word survives a round trip through bash', t => {
	const line = ['printf', "'%s\\n'", ...awkward.map(w => quoteWord(w))].join(' ');
	const printed = execFileSync('bash', ['-c', line], {encoding: 'utf8'});
	t.is(printed, awkward.map(w => `${w}\n`).join(''));
});

test('safe words stay bare, others are single-quoted', t => {
	t.is(quoteWord('--namespace=harness-delegate-ng'), '--namespace=harness-delegate-ng');
	t.is(quoteWord('client.crt=/out/certs/client.crt'), 'client.crt=/out/certs/client.crt');
	t.is(quoteWord('a b'), "'a b'");
	t.is(quoteWord("it's"), "'it'\\''s'");
	t.is(quoteWord(''), "''");
});

test('commands show stdin and stdout redirections with quoted paths', t => {
	t.is(
		quoteCommand({file: 'kubectl', args: ['apply', '-f', '-'], inputFile: '/o/s.yaml'}),
		"kubectl apply -f - < '/o/s.yaml'",
	);
	t.is(
		quoteCommand({file: 'kubectl', args: ['create', 'secret', 'generic', 'n', '--dry-run=client', '-o', 'yaml'], outputFile: '/o/my secret.yaml'}),
		"kubectl create secret generic n --dry-run=client -o yaml > '/o/my secret.yaml'",
	);
});

test('bundle paths become "$PWD"-relative and still round-trip through bash', t => {
	const spec = {file: 'docker' as const, args: ['run', '-v', '/tmp/b dir/certs/client.crt:/etc/mtls/client.crt:ro', '--env-file', '/tmp/b dir/agent.env', '/elsewhere/x']};
	const line = quoteCommand(spec, {bundleDir: '/tmp/b dir'});
	t.is(line, `docker run -v "$PWD"/certs/client.crt:/etc/mtls/client.crt:ro --env-file "$PWD"/agent.env /elsewhere/x`);
	const printed = execFileSync('bash', ['-c', `cd /tmp && printf '%s\\n' ${line.replace(/^docker /, '')}`], {encoding: 'utf8'});
	t.is(printed, 'run\n-v\n/tmp/certs/client.crt:/etc/mtls/client.crt:ro\n--env-file\n/tmp/agent.env\n/elsewhere/x\n');
});
