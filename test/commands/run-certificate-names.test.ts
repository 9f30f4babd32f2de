import {readdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {runCli} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';

type Case = {title: string; set: string; message: RegExp};

const cases: Case[] = [
	{title: 'a client CN with a newline', set: 'clientCn=evil\nCN=admin', message: /^mtls-wizard: --set clientCn: "evil\\nCN=admin" holds a control character/},
	{title: 'a client CN of 80 characters', set: `clientCn=${'c'.repeat(80)}`, message: /^mtls-wizard: --set clientCn: .* is 80 characters long, more than the 64/},
	{title: 'an IPv4-mapped server IP', set: 'serverIps=::ffff:1.2.3.4', message: /^mtls-wizard: --set serverIps: .*IPv4-mapped.* Use 1\.2\.3\.4/},
	{title: 'a server IP with a zone id', set: 'serverIps=fe80::1%eth0', message: /^mtls-wizard: --set serverIps: .*zone id \(%eth0\).* Use fe80::1/},
	{title: 'an internationalised server name', set: 'serverName=bücher.example', message: /^mtls-wizard: --set serverName: .*xn--bcher-kva\.example/},
];

for (const c of cases) {
	test(`run refuses ${c.title} before anything is written: exit 2, one line naming the answer`, async t => {
		const cwd = await tempDir(t, 'mtls-run-names-');
		const result = await runCli(['run', 'generic', '--target', 'bundle', '--yes', '--set', c.set], {cwd, env: {MTLS_WIZARD_HOME: join(cwd, 'home')}});
		t.is(result.exitCode, 2, result.stderr);
		t.regex(result.stderr, c.message);
		t.true(result.stderr.trimEnd().split('\n').length <= 2, result.stderr);
		t.true(result.stderr.length < 400, 'the value is not echoed whole');
		t.notRegex(result.stderr, /\n\s+at /);
		t.deepEqual(await readdir(cwd), [], 'no certificate, no session');
	});
}

test('run refuses a client CN of 1 MB from --answers before anything is written', async t => {
	const cwd = await tempDir(t, 'mtls-run-names-');
	const answers = join(await tempDir(t, 'mtls-run-answers-'), 'answers.json');
	await writeFile(answers, JSON.stringify({clientCn: 'm'.repeat(1_000_000)}));
	const result = await runCli(['run', 'generic', '--target', 'bundle', '--yes', '--answers', answers], {cwd, env: {MTLS_WIZARD_HOME: join(cwd, 'home')}});
	t.is(result.exitCode, 2, result.stderr.slice(0, 400));
	t.regex(result.stderr, /clientCn.* is 1000000 characters long, more than the 64/);
	t.true(result.stderr.length < 400, 'the value is not echoed whole');
	t.deepEqual(await readdir(cwd), []);
});

test('a second run reuses a server certificate whose IP SAN is IPv6 (compared as an address, not as text)', async t => {
	const cwd = await tempDir(t, 'mtls-run-names-');
	const args = ['run', 'generic', '--target', 'bundle', '--yes', '--set', 'serverIps=::1'];
	const env = {MTLS_WIZARD_HOME: join(cwd, 'home')};
	t.is((await runCli(args, {cwd, env})).exitCode, 0);
	const again = await runCli(args, {cwd, env});
	t.is(again.exitCode, 0, again.stdout);
	t.regex(again.stdout, /reusing .*server\.crt \(valid, carries every name\)/);
	t.regex(again.stdout, /CA kept; 0 certificates issued, 2 reused/);
});
