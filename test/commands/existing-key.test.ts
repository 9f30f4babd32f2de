import {createPrivateKey, X509Certificate} from 'node:crypto';
import {readFile, rename, rm, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {runCli} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';

async function firstRun(t: ExecutionContext) {
	const cwd = await tempDir(t, 'mtls-existing-key-');
	const env = {MTLS_WIZARD_HOME: join(cwd, 'home')};
	const first = await runCli(['run', 'generic', '--target', 'bundle'], {cwd, env});
	t.is(first.exitCode, 0, first.stdout + first.stderr);
	const certs = join(cwd, 'mtls-generic', 'certs');
	return {cwd, env, certs, read: async (name: string) => readFile(join(certs, name), 'utf8')};
}

function matches(certPem: string, keyPem: string): boolean {
	return new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
}

test('an existing key is never overwritten: a run whose server.crt is gone issues a new certificate for the same server.key', async t => {
	const {cwd, env, certs, read} = await firstRun(t);
	const key = await read('server.key');
	await rm(join(certs, 'server.crt'));
	const second = await runCli(['run', 'generic', '--target', 'bundle'], {cwd, env});
	t.is(second.exitCode, 0, second.stdout + second.stderr);
	t.regex(second.stdout, /issuing a new server\.crt for the existing server\.key: there is no server\.crt/);
	t.is(await read('server.key'), key);
	t.true(matches(await read('server.crt'), key));
});

test('an existing key is never overwritten: a certificate that lacks a newly asked name is re-issued for the same key', async t => {
	const {cwd, env, read} = await firstRun(t);
	const key = await read('server.key');
	const second = await runCli(['run', 'generic', '--target', 'bundle', '--set', 'extraDnsNames=api.example.test'], {cwd, env});
	t.is(second.exitCode, 0, second.stdout + second.stderr);
	t.regex(second.stdout, /issuing a new server\.crt for the existing server\.key: it lacks the names DNS:api\.example\.test/);
	t.notRegex(second.stdout, /replacing server\.crt and server\.key/);
	t.is(await read('server.key'), key);
	const certificate = new X509Certificate(await read('server.crt'));
	t.regex(certificate.subjectAltName ?? '', /DNS:api\.example\.test/);
	t.true(matches(await read('server.crt'), key));
});

test('an existing key is never overwritten: leaves keep their keys when a new CA is issued', async t => {
	const {cwd, env, certs, read} = await firstRun(t);
	const keys = {server: await read('server.key'), client: await read('client.key')};
	await rename(join(certs, 'ca.crt'), join(cwd, 'old-ca.crt'));
	await rename(join(certs, 'ca.key'), join(cwd, 'old-ca.key'));
	const second = await runCli(['run', 'generic', '--target', 'bundle'], {cwd, env});
	t.is(second.exitCode, 0, second.stdout + second.stderr);
	for (const leaf of ['server', 'client'] as const) {
		t.is(await read(`${leaf}.key`), keys[leaf]);
		t.true(new X509Certificate(await read(`${leaf}.crt`)).verify(new X509Certificate(await read('ca.crt')).publicKey), `${leaf}.crt is signed by the new CA`);
	}
});

test('an existing key is never overwritten: a key that cannot serve stops the run with exit 2 naming the file, and stays as it was', async t => {
	const {cwd, env, certs, read} = await firstRun(t);
	await writeFile(join(certs, 'server.key'), 'not a key at all\n', {mode: 0o600});
	const second = await runCli(['run', 'generic', '--target', 'bundle'], {cwd, env});
	t.is(second.exitCode, 2, second.stdout + second.stderr);
	t.true(second.stdout.includes(`error: ${join(certs, 'server.key')}: it is not an unencrypted PKCS#8 key, and an existing key is never overwritten. Move it away`), second.stdout);
	t.is(await read('server.key'), 'not a key at all\n');
});
