/**
 * The files answers name (your CA and its key, a values file, a manifest, a CA chain) are read where the answer is
 * given: on the wizard's question, and before a headless run or resume writes anything. A run's steps read them
 * again, but a missing file or broken YAML found only there would be a failed step far from the answer at fault.
 */
import {X509Certificate} from 'node:crypto';
import {stat} from 'node:fs/promises';
import {badInput} from '../errors.js';
import {loadCa, readCaChain, type CaSources} from '../pki/load-ca.js';
import {isEncryptedKeyPem, pemBlocks, privateKeyLabels} from '../pki/pem-blocks.js';
import {readInputFile} from '../pki/read-input-file.js';
import {secretEnvName, type CollectedAnswers} from './collect-answers.js';
import type {Recipe, RecipeQuestion} from './recipe-schema.js';
import {checkTarget, questionsFor} from './recipe-targets.js';

const readable = 'Give the path of a readable file.';

/** Refuses a path that is not a readable regular file, or one that does not hold what the question's `content` says. */
export async function checkAnswerFile(question: RecipeQuestion, path: string, field: string): Promise<void> {
	const found = await stat(path).catch((error: NodeJS.ErrnoException) => error.code ?? 'unreadable');
	if (typeof found === 'string') throw badInput(field, path, found === 'ENOENT' ? 'does not exist' : `cannot be read (${found})`, readable);
	if (!found.isFile()) throw badInput(field, path, found.isDirectory() ? 'is a directory' : 'is not a regular file', readable);
	const text = await readInputFile(path, field);
	switch (question.content) {
		case 'yaml-map': {
			checkYamlMap(text, path, field, await import('./yaml-text.js'));
			break;
		}

		case 'yaml-documents': {
			const {parseAllDocuments} = await import('./yaml-text.js');
			for (const document of parseAllDocuments(text)) {
				const [error] = document.errors;
				if (error) throw badInput(field, path, `is not valid YAML (${yamlProblem(error)})`, 'Fix the file, or download it again.');
			}

			break;
		}

		case 'pem-certificates': {
			const blocks = pemBlocks(text, ['CERTIFICATE']);
			if (blocks.length === 0) throw badInput(field, path, 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)', 'Give the certificates in PEM form.');
			for (const [index, pem] of blocks.entries()) {
				try {
					new X509Certificate(pem);
				} catch {
					throw badInput(field, path, `holds a PEM block (certificate ${index + 1}) that is not a valid X.509 certificate`, 'Give the certificates in PEM form.');
				}
			}

			break;
		}

		case 'pem-private-key': {
			if (pemBlocks(text, privateKeyLabels).length === 0) {
				throw badInput(field, path, 'holds no PEM private key', 'Give the key as PEM (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY", optionally encrypted).');
			}

			break;
		}

		case undefined: {
			break;
		}
	}
}

/** helm reads a values file as one mapping: an empty file is none, a list or a scalar is refused by helm itself. */
function checkYamlMap(text: string, path: string, field: string, {parse}: typeof import('./yaml-text.js')): void {
	let tree: unknown;
	try {
		tree = parse(text);
	} catch (error) {
		throw badInput(field, path, `is not valid YAML (${yamlProblem(error as Error)})`, 'Fix the file so that helm can read it.');
	}

	if (tree !== null && tree !== undefined && (typeof tree !== 'object' || Array.isArray(tree))) {
		throw badInput(field, path, `holds ${Array.isArray(tree) ? 'a list' : 'a single value'}, not a mapping of helm values`, 'Give a values file of key: value settings.');
	}
}

function yamlProblem(error: Error & {linePos?: Array<{line: number}>}): string {
	const line = error.linePos?.[0]?.line;
	const first = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
	return line === undefined ? first : `line ${line}: ${first}`;
}

/** Your own CA's certificate alone, with every check of its chain, while its key is still to be asked. */
export async function checkOwnCaCertificate(certPath: string, sources: CaSources): Promise<void> {
	await readCaChain(certPath, sources);
}

/** Your own CA: the certificate and the key named by caCert and caKey, and the passphrase of an encrypted key. */
export type OwnCa = {certPath: string; keyPath: string; passphrase?: string};

/**
 * Refuses a CA the certificates step would refuse: a certificate that is not a usable CA, a key that is not its own,
 * or an encrypted key without its passphrase. With `passphraseLater` (the wizard asks it after the key), an
 * encrypted key is left for then and only the certificate is checked.
 */
export async function checkOwnCa(ca: OwnCa, sources: CaSources, passphraseLater = false): Promise<void> {
	if (passphraseLater && pemBlocks(await readInputFile(ca.keyPath, sources.key), privateKeyLabels).some(pem => isEncryptedKeyPem(pem))) {
		await checkOwnCaCertificate(ca.certPath, sources);
		return;
	}

	await loadCa({certPath: ca.certPath, keyPath: ca.keyPath, ...(ca.passphrase === undefined ? {} : {passphrase: ca.passphrase}), sources});
}

/**
 * Every file the answers name, then your own CA as a whole, refused before a session or any file exists; errors name
 * where each answer came from (`--set caKey`, `--answers FILE: caKey`).
 */
export async function checkAnswerFiles(recipe: Recipe, target: string, collected: CollectedAnswers): Promise<void> {
	const fieldOf = (id: string) => collected.sources[id] ?? `--set ${id}`;
	for (const q of questionsFor(recipe, checkTarget(recipe, target))) {
		const value = collected.answers[q.id];
		if (q.format === 'path' && typeof value === 'string' && value !== '') await checkAnswerFile(q, value, fieldOf(q.id));
	}

	const {caCert, caKey} = collected.answers;
	if (typeof caCert !== 'string' || typeof caKey !== 'string') return;
	const passphrase = collected.secrets['caKeyPassphrase'];
	await checkOwnCa({certPath: caCert, keyPath: caKey, ...(passphrase === undefined ? {} : {passphrase})}, {
		cert: fieldOf('caCert'),
		key: fieldOf('caKey'),
		passphrase: `${secretEnvName('caKeyPassphrase')} or the caKeyPassphrase key of the --answers file`,
		replace: 'leave caCert and caKey unset to have a new CA issued',
	});
}
