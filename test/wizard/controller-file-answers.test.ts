import test from 'ava';
import {mkdir, mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createController} from '../../source/wizard/create-controller.js';
import {openssl} from '../pki/support/openssl.js';
import {issuePki, writeAll} from '../pki/support/fixtures.js';

const workspace = async (t: {teardown(fn: () => Promise<void>): void}) => {
	const dir = await mkdtemp(join(tmpdir(), 'mtls-wizard-file-answers-'));
	t.teardown(async () => rm(dir, {recursive: true, force: true}));
	return {dir, controller: createController({env: {PATH: process.env['PATH'], MTLS_WIZARD_HOME: join(dir, 'home')}, cwd: dir})};
};

test('a values file is read at its question: missing, a directory, broken YAML are refused there; a good one (relative to where the wizard runs) passes', async t => {
	const {dir, controller} = await workspace(t);
	await writeAll(dir, {'good.yaml': 'image:\n  tag: "1.2"\n', 'broken.yaml': 'image: [unclosed\n'});
	await mkdir(join(dir, 'folder'));
	const check = async (value: string) => controller.validateAnswer('steadybit', 'helm', 'extraValuesFile', value, {});
	t.is(await check('good.yaml'), undefined);
	t.is(await check(''), undefined, 'the values file is optional');
	t.regex((await check('nope.yaml')) ?? '', /^Your own helm values file.*: ".*nope\.yaml" does not exist\. Give the path of a readable file\.$/);
	t.regex((await check('folder')) ?? '', /: ".*folder" is a directory\./);
	t.regex((await check('broken.yaml')) ?? '', /: ".*broken\.yaml" is not valid YAML \(line \d+: /);
});

test('your own CA is judged as it is given: a text file as caCert, a key that is not its key, an encrypted key with a missing or wrong passphrase', async t => {
	const {dir, controller} = await workspace(t);
	const pki = await issuePki();
	const other = await issuePki();
	const files = await writeAll(dir, {'ca.crt': pki.ca.certificatePem, 'ca.key': pki.ca.privateKeyPem, 'other.key': other.ca.privateKeyPem, 'notes.txt': 'not a certificate\n'});
	const encrypted = join(dir, 'encrypted.key');
	const converted = await openssl(['pkey', '-in', files['ca.key']!, '-out', encrypted, '-aes-256-cbc', '-passout', 'pass:horse-battery']);
	t.is(converted.code, 0, converted.stderr);
	const answer = async (id: string, value: string, answers: Record<string, string> = {}) => controller.validateAnswer('generic', 'bundle', id, value, {caMode: 'own-ca', ...answers});

	t.regex((await answer('caCert', 'notes.txt')) ?? '', /^Your own CA certificate.*: ".*notes\.txt" holds no PEM certificate/);
	t.regex((await answer('caCert', join(dir, 'missing.crt'))) ?? '', /does not exist/);
	t.is(await answer('caCert', 'ca.crt'), undefined);
	t.regex((await answer('caKey', 'other.key', {caCert: 'ca.crt'})) ?? '', /^The private key of your own CA.*: ".*other\.key" does not match the CA certificate/);
	t.regex((await answer('caKey', '', {caCert: 'ca.crt'})) ?? '', /your own CA needs its key too/);
	t.is(await answer('caKey', 'ca.key', {caCert: 'ca.crt'}), undefined);
	t.is(await answer('caKey', 'encrypted.key', {caCert: 'ca.crt'}), undefined, 'an encrypted key waits for its passphrase, asked next');
	t.regex((await answer('caKeyPassphrase', '', {caCert: 'ca.crt', caKey: 'encrypted.key'})) ?? '', /is encrypted and no passphrase was given/);
	const wrong = await answer('caKeyPassphrase', 'wrong-horse', {caCert: 'ca.crt', caKey: 'encrypted.key'});
	t.regex(wrong ?? '', /could not be decrypted with the given passphrase/);
	t.notRegex(wrong ?? '', /wrong-horse/, 'the passphrase is never echoed');
	t.is(await answer('caKeyPassphrase', 'horse-battery', {caCert: 'ca.crt', caKey: 'encrypted.key'}), undefined);
	t.is(await answer('caKeyPassphrase', '', {caCert: 'ca.crt', caKey: 'ca.key'}), undefined, 'an unencrypted key needs no passphrase');
});
