import {execFileSync} from 'node:child_process';
import test from 'ava';
import {quoteWord} from '../../source/exec/shell-quote.js';
import {wrapCommand} from '../../source/exec/wrap-command.js';

/** What bash makes of a script: each argument of printf on its own line, in brackets. */
function argumentsOf(script: string): string {
	return execFileSync('bash', ['-c', script], {encoding: 'utf8'});
}

/** Quoted as quoteCommand quotes every command shown. */
const printf = (...args: string[]) => ['printf', '[%s]\\n', ...args].map(word => quoteWord(word)).join(' ');

const commands = [
	printf('create', 'secret', 'generic', 'connectivity-proxy-tls', '--from-file=tls.key=/home/operator/projects/mtls/mtls-sap-connectivity-proxy/certs/proxy.key'),
	printf('--set', "note=it's a 'quoted' value with spaces", '--set', 'plain=value'),
	printf(`--from-file=ca.crt=/very/long/${'directory/'.repeat(20)}ca.crt`),
	printf(`it's ${'a very long quoted phrase '.repeat(8)}`),
	`printf '[%s]\\n' "$PWD"/certs/${'deep/'.repeat(30)}client.key --flag`,
];

for (const width of [24, 40, 60, 80]) {
	test(`at ${width} columns every line fits, breaks fall between arguments, and bash reads the same arguments`, t => {
		for (const command of commands) {
			const lines = wrapCommand(command, width, '', '    ');
			for (const line of lines) t.true(line.length <= width, `${JSON.stringify(line)} is wider than ${width}`);
			for (const line of lines.slice(0, -1)) t.true(line.endsWith('\\'), `${JSON.stringify(line)} continues`);
			t.is(argumentsOf(lines.join('\n')), argumentsOf(command), lines.join('\n'));
		}
	});
}

test('an argument that fits on a line of its own is never split', t => {
	const path = '--values=/home/operator/mtls-steadybit/values/steadybit-agent.yaml';
	const lines = wrapCommand(`helm upgrade --install steadybit-agent steadybit/steadybit-agent ${path} --wait`, 80, '  $ ', '      ');
	t.deepEqual(lines, ['  $ helm upgrade --install steadybit-agent steadybit/steadybit-agent \\', `      ${path} --wait`]);
});

test('a short command stays on one line with its prefix', t => {
	t.deepEqual(wrapCommand('kubectl get pods -n demo', 80, '$ ', '    '), ['$ kubectl get pods -n demo']);
});

test('a path wider than the screen breaks at a directory, the next row at column 0 so the shell rejoins it', t => {
	const lines = wrapCommand(`cat /srv/${'data/'.repeat(12)}file.pem`, 40, '$ ', '    ');
	t.is(lines[0], '$ cat \\');
	t.true(lines[1]!.startsWith('    /srv/data/'));
	t.regex(lines[1]!, /\/\\$/, 'the break falls after a slash');
	t.false(lines[2]!.startsWith(' '));
});

test('an option=path too wide for a continuation line breaks after its last =, so the path is whole on the next row', t => {
	const path = '/home/operator/work/mtls-sap-connectivity-proxy/certs/proxy.key';
	t.deepEqual(wrapCommand(`kubectl create secret generic tls --from-file=tls.key=${path}`, 80, '$ ', '    '), [
		'$ kubectl create secret generic tls \\',
		'    --from-file=tls.key=\\',
		path,
	]);
});
