import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {createController} from '../source/wizard/create-controller.js';
import {pasteIntoShell} from './support/paste-command.js';

const agentKey = 'AGENT-KEY-v3ry-s3cret';
const passphrase = 'correct horse battery staple';

test('Review lists every answer (secrets masked) and the certificate names; its headless command, run with --dry-run, prints the plan it reviewed', async t => {
	const dir = await mkdtemp(join(tmpdir(), 'mtls-wizard-review-command-'));
	t.teardown(async () => rm(dir, {recursive: true, force: true}));
	const env: NodeJS.ProcessEnv = {PATH: process.env['PATH'], MTLS_WIZARD_HOME: join(dir, 'home'), NO_COLOR: '1'};
	const controller = createController({env, cwd: dir});
	// As the wizard hands them over: typed text, yes/no, empty for "the default".
	const review = await controller.review('steadybit', 'helm', {
		clusterName: 'cc-tunnel-eu',
		namespace: 'chaos',
		agentKey,
		agentKeyPassphrase: passphrase,
		extraDnsNames: 'extension.example.com,http.chaos.example.com',
		days: '400',
		keySize: '',
	});

	t.false(JSON.stringify(review).includes(agentKey), 'the secret answer is nowhere in what Review shows');
	t.false(JSON.stringify(review).includes(passphrase));
	const answers = Object.fromEntries(review.answers.map(answer => [answer.id, answer]));
	t.deepEqual(answers['clusterName'], {id: 'clusterName', shown: 'cc-tunnel-eu', isDefault: false});
	t.deepEqual(answers['agentKey'], {id: 'agentKey', shown: '••••••••', isDefault: false});
	t.deepEqual(answers['keySize'], {id: 'keySize', shown: '2048', isDefault: true});
	t.is(answers['extraDnsNames']?.shown, 'extension.example.com,http.chaos.example.com');
	t.false('caKey' in answers, 'the key of your own CA is asked only with caCert, so it is not reviewed without it');
	t.true('caCert' in answers);
	t.true(
		review.certificates.some(line => line.includes('DNS:extension.example.com') && line.includes('DNS:http.chaos.example.com') && line.includes('400 days')),
		review.certificates.join('\n'),
	);

	t.is(
		review.headless.note,
		'Export MTLS_WIZARD_ANSWER_AGENT_KEY (the secret answer agentKey), MTLS_WIZARD_ANSWER_AGENT_KEY_PASSPHRASE (the secret answer agentKeyPassphrase) first: secret answers are never put on a command line.',
	);
	t.notRegex(review.headless.command, /keySize|--out/, 'defaults are left out');
	const result = await pasteIntoShell(t, `${review.headless.command} --dry-run`, {
		cwd: dir,
		env: {...env, MTLS_WIZARD_ANSWER_AGENT_KEY: agentKey, MTLS_WIZARD_ANSWER_AGENT_KEY_PASSPHRASE: passphrase},
	});
	t.is(result.stderr, '');
	t.is(result.code, 0);
	const printed = result.stdout.split('\n');
	t.deepEqual(
		printed.filter(line => line.startsWith('   $ ')).map(line => line.slice(5).replace(/ {3}# exit .*$/, '')),
		review.commands,
		'the same commands, in the same order',
	);
	t.deepEqual(
		printed.flatMap(line => /^ {3}writes (\S+) \((\d{4})\)/.exec(line)?.slice(1) ?? []),
		review.files.flatMap(file => [file.path, file.mode]),
		'the same files with the same modes',
	);
	t.regex(result.stdout, new RegExp(`output in ${dir}/mtls-steadybit$`, 'm'));
});
