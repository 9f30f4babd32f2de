import {X509Certificate} from 'node:crypto';
import {mkdir, readdir, readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {loadRecipe} from '../../source/recipes/load-recipes.js';
import {fullAnswers} from '../plan/plan-for.js';
import {judgeHandshake} from '../support/judges/index.js';
import {chainFile, opensslCa, type OpensslKey} from '../pki/support/openssl-ca.js';
import {openssl} from '../pki/support/openssl.js';
import {runCli} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';

/*
 * Every recipe's bundle target signed by an issuing CA below a root (openssl-made, UTF-8 subjects): the run must
 * prove the set itself, and openssl, Go and Java must accept its handshake pair from the files it wrote.
 */
type Variant = {title: string; root: OpensslKey; issuing: OpensslKey; ecdsaLeaves: boolean};

const variants: Variant[] = [
	{title: 'RSA chain', root: 'rsa', issuing: 'rsa', ecdsaLeaves: false},
	{title: 'ECDSA chain', root: 'ec-p384', issuing: 'ec-p256', ecdsaLeaves: true},
];

async function findFile(dir: string, name: string): Promise<string> {
	const entries = await readdir(dir, {recursive: true, withFileTypes: true});
	const found = entries.find(e => e.isFile() && e.name === name && !e.parentPath.includes('/home'));
	if (!found) throw new Error(`no ${name} under ${dir}`);
	return join(found.parentPath, found.name);
}

for (const recipeId of Object.keys(fullAnswers)) {
	for (const variant of variants) {
		test(`${recipeId} --target bundle with an intermediate CA (${variant.title}): proven by the run, accepted by openssl, Go and Java`, async t => {
			const dir = await tempDir(t, 'mtls-corporate-recipe-');
			const root = await opensslCa(dir, {name: 'root', subject: '/O=Müller GmbH/CN=Müller Root CA', key: variant.root});
			const issuing = await opensslCa(dir, {name: 'issuing', subject: '/O=Müller GmbH/CN=Müller Issuing CA', key: variant.issuing, parent: root, pathLength: 0});
			const chain = await chainFile(dir, 'chain.pem', [issuing, root]);
			const recipe = await loadRecipe(recipeId);
			const keyTypes = recipe.questions.find(q => q.id === 'keyType')?.choices ?? ['rsa', 'ecdsa-p256'];
			const keyType = variant.ecdsaLeaves && keyTypes.includes('ecdsa-p256') ? 'ecdsa-p256' : 'rsa';
			const answers = fullAnswers[recipeId]!.bundle!;
			const cwd = join(dir, 'work');
			const sets = [...answers.sets, `caCert=${chain}`, `caKey=${issuing.keyPath}`, `keyType=${keyType}`].flatMap(set => ['--set', set]);
			await mkdir(cwd);
			const result = await runCli(['run', recipeId, '--target', 'bundle', '--yes', ...sets], {cwd, env: {MTLS_WIZARD_HOME: join(dir, 'home')}});
			t.is(result.exitCode, 0, result.stdout + result.stderr);
			t.regex(result.stdout, /mutual TLS proven on 127\.0\.0\.1/);

			const certificates = recipe.targets.bundle?.certificates ?? recipe.certificates!;
			const {server, client} = certificates.handshake;
			const paths = {
				ca: await findFile(cwd, 'ca.crt'),
				serverCert: await findFile(cwd, `${server}.crt`),
				serverKey: await findFile(cwd, `${server}.key`),
				clientCert: await findFile(cwd, `${client}.crt`),
				clientKey: await findFile(cwd, `${client}.key`),
			};
			t.is((await readFile(paths.ca, 'utf8')).match(/BEGIN CERTIFICATE/g)?.length, 2, 'the trust file holds the issuing CA and the root');
			for (const [file, purpose] of [[paths.serverCert, 'sslserver'], [paths.clientCert, 'sslclient']] as const) {
				const verdict = await openssl(['verify', '-x509_strict', '-purpose', purpose, '-CAfile', root.certPath, '-untrusted', file, file]);
				t.is(verdict.code, 0, `${file}: ${verdict.stdout}${verdict.stderr}`);
			}

			const serverName = /DNS:([^,\s]+)/.exec(new X509Certificate(await readFile(paths.serverCert, 'utf8')).subjectAltName ?? '')?.[1] ?? 'localhost';
			t.false((await readFile(paths.clientKey, 'utf8')).includes('ENCRYPTED'), `${paths.clientKey} is encrypted in the bundle; the judges need it plain`);
			const verdict = await judgeHandshake({
				server: {judge: 'go', ca: paths.ca, cert: paths.serverCert, key: paths.serverKey},
				client: {judge: 'java', ca: paths.ca, cert: paths.clientCert, key: paths.clientKey, serverName},
			});
			t.true(verdict.server.accepted, `Go server: ${JSON.stringify(verdict.server)}`);
			t.true(verdict.client.accepted, `Java client: ${JSON.stringify(verdict.client)}`);
		});
	}
}
