import {readFile, readdir, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {issuePki, writeAll} from '../pki/support/fixtures.js';
import {openssl} from '../pki/support/openssl.js';
import {runCli} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';

test('--context reaches every kubectl and helm command of the plan', async t => {
	const cwd = await tempDir(t, 'mtls-run-');
	const result = await runCli(
		['run', 'harness-delegate', '--target', 'helm', '--set', 'delegateName=d', '--set', 'managerEndpoint=https://a.agent.harness.io', '--set', 'accountId=A', '--context', 'staging', '--dry-run'],
		{cwd, env: {MTLS_WIZARD_ANSWER_DELEGATE_TOKEN: 'x'}},
	);
	t.is(result.exitCode, 0, result.stderr);
	const commands = result.stdout.split('\n').filter(line => /^ {3}\$ (kubectl|helm) /.test(line));
	t.true(commands.length >= 4);
	for (const command of commands) t.regex(command, / --(kube-)?context staging( |$)/, command);
});

test('a missing answer is a usage error naming the --set key, and nothing is written', async t => {
	const cwd = await tempDir(t, 'mtls-run-');
	const result = await runCli(['run', 'harness-delegate', '--target', 'kubectl', '--dry-run'], {cwd});
	t.is(result.exitCode, 2);
	t.regex(result.stderr, /^mtls-wizard: --set delegateName: required: .*Pass --set delegateName=VALUE/);
	t.deepEqual(await readdir(cwd), []);
});

test('a run without --dry-run or --export executes the plan: generic bundle issues and proves certificates under --out', async t => {
	const cwd = await tempDir(t, 'mtls-run-');
	const result = await runCli(['run', 'generic', '--target', 'bundle', '--yes'], {cwd, env: {MTLS_WIZARD_HOME: join(cwd, 'home')}});
	t.is(result.exitCode, 0, result.stderr);
	const certs = join(cwd, 'mtls-generic', 'certs');
	t.deepEqual((await readdir(certs)).sort(), ['ca.crt', 'ca.key', 'client.crt', 'client.key', 'server.crt', 'server.key']);
	t.is((await stat(join(certs, 'server.key'))).mode & 0o777, 0o600);
	t.regex(result.stdout, /mutual TLS proven on 127\.0\.0\.1 for localhost/);
});

test('an --out that can never be a directory is bad input: exit 2, no session, nothing written', async t => {
	const cwd = await tempDir(t, 'mtls-run-');
	await writeFile(join(cwd, 'notes.txt'), 'a file, not a directory\n');
	const out = join(cwd, 'notes.txt', 'certs');
	const result = await runCli(['run', 'generic', '--target', 'bundle', '--out', out], {cwd, env: {MTLS_WIZARD_HOME: join(cwd, 'home')}});
	t.is(result.exitCode, 2);
	t.is(result.stderr, `mtls-wizard: --out: ${JSON.stringify(out)} cannot be created: ${join(cwd, 'notes.txt')} is a file. Choose a directory you can write to, e.g. --out ./mtls-certs\n`);
	t.deepEqual((await readdir(cwd)).sort(), ['notes.txt']);
});

test('an encrypted CA key given as answers without its passphrase is refused before anything is written, naming the caKeyPassphrase answer, not the certs variable', async t => {
	const cwd = await tempDir(t, 'mtls-run-');
	const pki = await issuePki();
	const files = await writeAll(cwd, {'ca.crt': pki.ca.certificatePem, 'ca-plain.key': pki.ca.privateKeyPem});
	const encryptedKey = join(cwd, 'ca.key');
	const converted = await openssl(['pkey', '-in', files['ca-plain.key']!, '-out', encryptedKey, '-aes-256-cbc', '-passout', 'pass:ca-pass-4821']);
	t.is(converted.code, 0, converted.stderr);
	const result = await runCli(['run', 'generic', '--target', 'bundle', '--yes', '--set', `caCert=${files['ca.crt']!}`, '--set', `caKey=${encryptedKey}`, '--set', 'days=20'], {
		cwd,
		env: {MTLS_WIZARD_HOME: join(cwd, 'home'), MTLS_WIZARD_CA_KEY_PASSPHRASE: 'ca-pass-4821', MTLS_WIZARD_ANSWER_CA_KEY_PASSPHRASE: undefined},
	});
	t.is(result.exitCode, 2, result.stderr);
	const output = result.stdout + result.stderr;
	t.regex(output, /--set caKey: ".*ca\.key" is encrypted and no passphrase was given\. Set the passphrase in MTLS_WIZARD_ANSWER_CA_KEY_PASSPHRASE or the caKeyPassphrase key of the --answers file/);
	t.notRegex(output, /--ca-key|MTLS_WIZARD_CA_KEY_PASSPHRASE|ca-pass-4821/);
	await t.throwsAsync(stat(join(cwd, 'mtls-generic', 'certs', 'server.key')), {code: 'ENOENT'}, 'no leaf is issued from a CA that could not be read');
	await t.throwsAsync(readdir(join(cwd, 'home', 'sessions')), {code: 'ENOENT'}, 'refused before a session exists');

	// The fix the message names works: the passphrase given in the variable is used, and never saved.
	const again = await runCli(['run', 'generic', '--target', 'bundle', '--yes', '--set', `caCert=${files['ca.crt']!}`, '--set', `caKey=${encryptedKey}`, '--set', 'days=20'], {
		cwd,
		env: {MTLS_WIZARD_HOME: join(cwd, 'home'), MTLS_WIZARD_ANSWER_CA_KEY_PASSPHRASE: 'ca-pass-4821'},
	});
	t.is(again.exitCode, 0, again.stdout + again.stderr);
	t.regex(again.stdout, /mutual TLS proven on 127\.0\.0\.1/);
	const [sessionFile] = await readdir(join(cwd, 'home', 'sessions'));
	const saved = await readFile(join(cwd, 'home', 'sessions', sessionFile!), 'utf8');
	t.notRegex(saved, /ca-pass-4821/);
	t.deepEqual((JSON.parse(saved) as {secretAnswers: string[]}).secretAnswers, ['caKeyPassphrase']);
});
