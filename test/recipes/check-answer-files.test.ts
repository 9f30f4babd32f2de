import {mkdir} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {checkAnswerFile, checkOwnCa} from '../../source/recipes/check-answer-files.js';
import {loadRecipes} from '../../source/recipes/load-recipes.js';
import type {RecipeQuestion} from '../../source/recipes/recipe-schema.js';
import {issuePki, writeAll} from '../pki/support/fixtures.js';
import {tempDir} from '../support/temp-dir.js';

const question = async (recipe: string, id: string): Promise<RecipeQuestion> => {
	const found = (await loadRecipes()).find(candidate => candidate.id === recipe)!.questions.find(q => q.id === id);
	if (!found) throw new Error(`${recipe} has no question ${id}`);
	return found;
};

const sources = {cert: 'caCert', key: 'caKey', passphrase: 'the caKeyPassphrase question', replace: 'leave caCert empty'};

test('the recipes say what their files hold: values files are YAML maps, the Harness manifest YAML documents, the SAP CA chain PEM', async t => {
	t.is((await question('steadybit', 'extraValuesFile')).content, 'yaml-map');
	t.is((await question('portainer', 'extraValuesFile')).content, 'yaml-map');
	t.is((await question('harness-delegate', 'extraValuesFile')).content, 'yaml-map');
	t.is((await question('sap-connectivity-proxy', 'baseValuesFile')).content, 'yaml-map');
	t.is((await question('harness-delegate', 'manifest')).content, 'yaml-documents');
	t.is((await question('sap-connectivity-proxy', 'connectivityCaFile')).content, 'pem-certificates');
});

test('a values file: missing, a directory, broken YAML, a list are refused naming the field and the path; a map or an empty file pass', async t => {
	const dir = await tempDir(t);
	const values = await question('steadybit', 'extraValuesFile');
	const files = await writeAll(dir, {
		'good.yaml': 'image:\n  repository: mirror.example/agent\n',
		'empty.yaml': '',
		'broken.yaml': 'image:\n  tag: [unclosed\n',
		'list.yaml': '- a\n- b\n',
	});
	await mkdir(join(dir, 'folder'));
	await t.notThrowsAsync(checkAnswerFile(values, files['good.yaml']!, '--set extraValuesFile'));
	await t.notThrowsAsync(checkAnswerFile(values, files['empty.yaml']!, '--set extraValuesFile'));
	const refusals: Array<[string, RegExp]> = [
		[join(dir, 'nope.yaml'), /^--set extraValuesFile: ".*nope\.yaml" does not exist\. Give the path of a readable file\.$/],
		[join(dir, 'folder'), /^--set extraValuesFile: ".*folder" is a directory\./],
		[files['broken.yaml']!, /^--set extraValuesFile: ".*broken\.yaml" is not valid YAML \(line \d+: .+\)\. Fix the file/],
		[files['list.yaml']!, /^--set extraValuesFile: ".*list\.yaml" holds a list, not a mapping of helm values\./],
	];
	for (const [path, expected] of refusals) {
		const error = await t.throwsAsync(checkAnswerFile(values, path, '--set extraValuesFile'));
		t.regex(error!.message, expected);
		t.is((error as {exitCode?: number}).exitCode, 2);
	}
});

test('a manifest with a broken document and a CA chain that is not PEM are refused; the real thing passes', async t => {
	const dir = await tempDir(t);
	const pki = await issuePki();
	const files = await writeAll(dir, {
		'delegate.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: harness\n---\napiVersion: apps/v1\nkind: Deployment\n',
		'broken.yaml': 'apiVersion: v1\n---\nkind: [Deployment\n',
		'chain.crt': pki.ca.certificatePem,
		'notes.txt': 'not a certificate\n',
		'garbled.crt': '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
	});
	const manifest = await question('harness-delegate', 'manifest');
	const chain = await question('sap-connectivity-proxy', 'connectivityCaFile');
	await t.notThrowsAsync(checkAnswerFile(manifest, files['delegate.yaml']!, 'manifest'));
	t.regex((await t.throwsAsync(checkAnswerFile(manifest, files['broken.yaml']!, 'manifest')))!.message, /^manifest: ".*broken\.yaml" is not valid YAML \(line \d+: Flow sequence/);
	await t.notThrowsAsync(checkAnswerFile(chain, files['chain.crt']!, 'connectivityCaFile'));
	t.regex((await t.throwsAsync(checkAnswerFile(chain, files['notes.txt']!, 'connectivityCaFile')))!.message, /^connectivityCaFile: ".*notes\.txt" holds no PEM certificate/);
	t.regex((await t.throwsAsync(checkAnswerFile(chain, files['garbled.crt']!, 'connectivityCaFile')))!.message, /certificate 1\) that is not a valid X\.509 certificate/);
});

test('your own CA: a key that is not the CA certificate\'s, a leaf as the CA, an encrypted key without or with a wrong passphrase are refused', async t => {
	const dir = await tempDir(t);
	const pki = await issuePki();
	const other = await issuePki();
	const encrypted = (await issuePki({clientPassphrase: 'right horse'})).client.privateKeyPem;
	const files = await writeAll(dir, {
		'ca.crt': pki.ca.certificatePem,
		'ca.key': pki.ca.privateKeyPem,
		'other.key': other.ca.privateKeyPem,
		'server.crt': pki.server.certificatePem,
		'server.key': pki.server.privateKeyPem,
		'encrypted.key': encrypted,
	});
	await t.notThrowsAsync(checkOwnCa({certPath: files['ca.crt']!, keyPath: files['ca.key']!}, sources));
	const mismatch = await t.throwsAsync(checkOwnCa({certPath: files['ca.crt']!, keyPath: files['other.key']!}, sources));
	t.regex(mismatch!.message, /^caKey: ".*other\.key" does not match the CA certificate .*ca\.crt\. Give the private key that belongs to this CA certificate/);
	const leaf = await t.throwsAsync(checkOwnCa({certPath: files['server.crt']!, keyPath: files['server.key']!}, sources));
	t.regex(leaf!.message, /^caCert: ".*server\.crt" is not a CA certificate/);
	const noPassphrase = await t.throwsAsync(checkOwnCa({certPath: files['ca.crt']!, keyPath: files['encrypted.key']!}, sources));
	t.regex(noPassphrase!.message, /^caKey: ".*encrypted\.key" is encrypted and no passphrase was given\. Set the passphrase in the caKeyPassphrase question/);
	const wrong = await t.throwsAsync(checkOwnCa({certPath: files['ca.crt']!, keyPath: files['encrypted.key']!, passphrase: 'wrong horse'}, sources));
	t.regex(wrong!.message, /^caKey: ".*encrypted\.key" could not be decrypted with the given passphrase/);
	// The wizard asks the passphrase after the key: then an encrypted key waits for it, and only the certificate is judged.
	await t.notThrowsAsync(checkOwnCa({certPath: files['ca.crt']!, keyPath: files['encrypted.key']!}, sources, true));
	t.regex((await t.throwsAsync(checkOwnCa({certPath: files['server.crt']!, keyPath: files['encrypted.key']!}, sources, true)))!.message, /^caCert: .* is not a CA certificate/);
	// Decrypted, the client key is still not the CA's: the match is checked once the passphrase is given.
	const decrypted = await t.throwsAsync(checkOwnCa({certPath: files['ca.crt']!, keyPath: files['encrypted.key']!, passphrase: 'right horse'}, sources));
	t.regex(decrypted!.message, /^caKey: .* does not match the CA certificate/);
});
