import {execFileSync} from 'node:child_process';
import {readFile, rm, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {StepFailedError} from '../../source/errors.js';
import type {IssueCertificatesStep, VerifyHandshakeStep} from '../../source/plan/types.js';
import {issueCertificatesRunner} from '../../source/steps/issue-certificates.js';
import {verifyHandshakeRunner} from '../../source/steps/verify-handshake.js';
import {recordingContext} from './support/step-context.js';
import {tempDir} from '../support/temp-dir.js';
import {chainFile, opensslCa} from '../pki/support/openssl-ca.js';

async function stepIn(t: ExecutionContext): Promise<IssueCertificatesStep> {
	const dir = join(await tempDir(t, 'mtls-issue-'), 'certs');
	return {
		id: 'certificates',
		title: 'Issue',
		kind: 'issue-certificates',
		dir,
		ca: {mode: 'generate', commonName: 'Test CA', days: 365, keySize: 2048},
		leaves: [
			{id: 'server', role: 'server', commonName: 'agent.example', dnsNames: ['agent.example'], ipAddresses: ['127.0.0.1'], days: 90, keySize: 2048},
			{id: 'client', role: 'client', commonName: 'client', dnsNames: [], ipAddresses: [], days: 90, keySize: 2048},
		],
	};
}

const names = ['ca.crt', 'ca.key', 'server.crt', 'server.key', 'client.crt', 'client.key'];

async function snapshot(dir: string, files = names): Promise<Record<string, string>> {
	return Object.fromEntries(await Promise.all(files.map(async n => [n, await readFile(join(dir, n), 'utf8')] as const)));
}

function openssl(args: string[]): string {
	return execFileSync('openssl', args, {encoding: 'utf8'});
}

test('issues a CA and leaves that openssl accepts for their purpose, keys PKCS#8 0600 in a 0700 dir; the handshake step proves them', async t => {
	const step = await stepIn(t);
	await issueCertificatesRunner.run(step, recordingContext());
	t.is((await stat(step.dir)).mode & 0o777, 0o700);
	for (const name of names) t.is((await stat(join(step.dir, name))).mode & 0o777, name.endsWith('.key') ? 0o600 : 0o644, name);
	t.is(openssl(['verify', '-purpose', 'sslserver', '-CAfile', join(step.dir, 'ca.crt'), join(step.dir, 'server.crt')]).trim(), `${join(step.dir, 'server.crt')}: OK`);
	t.is(openssl(['verify', '-purpose', 'sslclient', '-CAfile', join(step.dir, 'ca.crt'), join(step.dir, 'client.crt')]).trim(), `${join(step.dir, 'client.crt')}: OK`);
	t.true((await readFile(join(step.dir, 'client.key'), 'utf8')).startsWith('-----BEGIN PRIVATE KEY-----'));

	const verify: VerifyHandshakeStep = {id: 'verify', title: 'v', kind: 'verify-handshake', dir: step.dir, server: 'server', client: 'client', serverName: 'agent.example'};
	const context = recordingContext();
	const outcome = await verifyHandshakeRunner.run(verify, context);
	t.regex(outcome.detail ?? '', /mutual TLS proven/);
	t.true(context.lines.some(l => l.line.startsWith('ok: no client certificate: refused')));

	// The server certificate has no SAN "other.example": the handshake step must fail, naming why.
	const wrongName = await t.throwsAsync(verifyHandshakeRunner.run({...verify, serverName: 'other.example'}, recordingContext()), {instanceOf: StepFailedError});
	t.regex(wrongName!.message, /local mutual-TLS check failed: client certificate from the CA: expected accepted, refused/);
});

test('a re-run reuses what is valid, byte for byte', async t => {
	const step = await stepIn(t);
	await issueCertificatesRunner.run(step, recordingContext());
	const before = await snapshot(step.dir);
	const context = recordingContext();
	const outcome = await issueCertificatesRunner.run(step, context);
	t.deepEqual(await snapshot(step.dir), before);
	t.is(outcome.detail, 'CA kept; 0 certificates issued, 2 reused');
	t.true(context.lines.some(l => l.line.startsWith('reusing the CA')));
});

test('a fleet: each agent gets its bundle; a re-run keeps every agent byte for byte and issues only the agent whose bundle went missing', async t => {
	const step = await stepIn(t);
	const agentsDir = join(step.dir, '..', 'agents');
	const agent = (name: string) => ({id: 'client', role: 'client' as const, commonName: name, dnsNames: [], ipAddresses: [], days: 90, keySize: 2048 as const, keyType: 'ecdsa-p256' as const, dir: join(agentsDir, name)});
	const fleet: IssueCertificatesStep = {...step, leaves: [step.leaves[0]!, agent('edge-1'), agent('edge-2')]};
	const bundle = ['ca.crt', 'client.crt', 'client.key'];
	const first = await issueCertificatesRunner.run(fleet, recordingContext());
	t.is(first.detail, 'new CA; 3 certificates issued');
	const one = await snapshot(join(agentsDir, 'edge-1'), bundle);
	t.is(one['ca.crt'], await readFile(join(step.dir, 'ca.crt'), 'utf8'));
	t.is(openssl(['verify', '-purpose', 'sslclient', '-CAfile', join(step.dir, 'ca.crt'), join(agentsDir, 'edge-1', 'client.crt')]).trim(), `${join(agentsDir, 'edge-1', 'client.crt')}: OK`);

	await rm(join(agentsDir, 'edge-2'), {recursive: true});
	const second = await issueCertificatesRunner.run(fleet, recordingContext());
	t.is(second.detail, 'CA kept; 1 certificate issued, 2 reused');
	t.deepEqual(await snapshot(join(agentsDir, 'edge-1'), bundle), one);
	t.is(openssl(['verify', '-purpose', 'sslclient', '-CAfile', join(step.dir, 'ca.crt'), join(agentsDir, 'edge-2', 'client.crt')]).trim(), `${join(agentsDir, 'edge-2', 'client.crt')}: OK`);
});

test('a leaf missing a newly asked name gets a new certificate for its existing key; the CA and the other leaf are kept', async t => {
	const step = await stepIn(t);
	await issueCertificatesRunner.run(step, recordingContext());
	const before = await snapshot(step.dir);
	const wider = {...step, leaves: [{...step.leaves[0]!, dnsNames: ['agent.example', 'agent.ns.svc.cluster.local']}, step.leaves[1]!]};
	const context = recordingContext();
	await issueCertificatesRunner.run(wider, context);
	const after = await snapshot(step.dir);
	t.is(after['ca.key'], before['ca.key']);
	t.is(after['client.key'], before['client.key']);
	t.is(after['server.key'], before['server.key']);
	t.not(after['server.crt'], before['server.crt']);
	t.true(context.lines.some(l => l.line === 'issuing a new server.crt for the existing server.key: it lacks the names DNS:agent.ns.svc.cluster.local'));
	t.regex(openssl(['x509', '-in', join(step.dir, 'server.crt'), '-noout', '-ext', 'subjectAltName']), /DNS:agent\.ns\.svc\.cluster\.local/);
});

test('a key the step made earlier in the session that the answers no longer open is issued anew; one it did not make is never overwritten', async t => {
	const step = await stepIn(t);
	const encrypted: IssueCertificatesStep = {...step, leaves: step.leaves.map(leaf => (leaf.id === 'client' ? {...leaf, keyPassphrase: {secret: 'clientKeyPassphrase'}} : leaf))};
	const first = await issueCertificatesRunner.run(encrypted, recordingContext({secrets: {clientKeyPassphrase: 'old horse'}}));
	const clientKey = join(step.dir, 'client.key');
	t.true(first.files?.includes(clientKey));
	const before = await snapshot(step.dir);

	// Not recorded as made by this session: the rule for existing keys holds, and nothing changes.
	const refused = await t.throwsAsync(issueCertificatesRunner.run(encrypted, recordingContext({secrets: {clientKeyPassphrase: 'new horse'}})));
	t.regex(refused!.message, /client\.key: it cannot be read with the given passphrase, and an existing key is never overwritten/);
	t.deepEqual(await snapshot(step.dir), before);

	const context = {...recordingContext({secrets: {clientKeyPassphrase: 'new horse'}}), earlierFiles: first.files ?? []};
	await issueCertificatesRunner.run(encrypted, context);
	t.true(context.lines.some(line => line.line === 'issuing client.key and client.crt anew: the key this session made before it cannot be read with the given passphrase'));
	const after = await snapshot(step.dir);
	t.not(after['client.key'], before['client.key']);
	t.not(after['client.crt'], before['client.crt']);
	t.is(after['server.key'], before['server.key'], 'the other leaf is kept');
	t.is(after['ca.key'], before['ca.key']);
	t.notThrows(() => openssl(['pkey', '-in', clientKey, '-passin', 'pass:new horse', '-noout']));
	t.throws(() => openssl(['pkey', '-in', clientKey, '-passin', 'pass:old horse', '-noout']));
	t.is(openssl(['verify', '-purpose', 'sslclient', '-CAfile', join(step.dir, 'ca.crt'), join(step.dir, 'client.crt')]).trim(), `${join(step.dir, 'client.crt')}: OK`);
});

test('a CA that cannot be reused is never replaced: the step fails and ca.key is untouched', async t => {
	const step = await stepIn(t);
	await issueCertificatesRunner.run(step, recordingContext());
	const caKey = await readFile(join(step.dir, 'ca.key'), 'utf8');
	await writeFile(join(step.dir, 'ca.crt'), 'not a certificate\n');
	const error = await t.throwsAsync(issueCertificatesRunner.run(step, recordingContext()), {instanceOf: StepFailedError});
	t.regex(error!.message, /^The existing CA cannot be reused/);
	t.regex(error!.hint ?? '', /never replaced automatically/);
	t.is(await readFile(join(step.dir, 'ca.key'), 'utf8'), caKey);
});

test('under an issuing CA, a kept certificate whose file lacks the intermediate is issued again for its key, with the chain', async t => {
	const pki = await tempDir(t, 'mtls-issuing-');
	const root = await opensslCa(pki, {name: 'root', subject: '/CN=Corp Root'});
	const issuing = await opensslCa(pki, {name: 'issuing', subject: '/CN=Corp Issuing CA', parent: root, pathLength: 0});
	const step = {...(await stepIn(t)), ca: {mode: 'import' as const, certPath: await chainFile(pki, 'chain.pem', [issuing, root]), keyPath: issuing.keyPath}};
	await issueCertificatesRunner.run(step, recordingContext());
	const leafFiles = names.filter(name => !name.startsWith('ca.'));
	const before = await snapshot(step.dir, leafFiles);
	// As a run before chains were written left it, or a hand copy of the leaf alone.
	const leafOnly = before['server.crt']!.slice(0, before['server.crt']!.indexOf('-----END CERTIFICATE-----') + 26);
	await writeFile(join(step.dir, 'server.crt'), leafOnly);
	const context = recordingContext();
	const outcome = await issueCertificatesRunner.run(step, context);
	t.is(outcome.detail, 'CA kept; 1 certificate issued, 1 reused');
	t.true(context.lines.some(l => l.line === 'issuing a new server.crt for the existing server.key: the file does not carry the intermediate CA "CN=Corp Issuing CA" after the leaf'), JSON.stringify(context.lines));
	const after = await snapshot(step.dir, leafFiles);
	t.is(after['server.key'], before['server.key']);
	t.is(after['client.crt'], before['client.crt']);
	t.is((after['server.crt']!.match(/BEGIN CERTIFICATE/g) ?? []).length, 2, 'leaf + issuing CA');
	t.true(after['server.crt']!.endsWith(issuing.certificatePem));
	t.is(openssl(['verify', '-purpose', 'sslserver', '-CAfile', root.certPath, '-untrusted', join(step.dir, 'server.crt'), join(step.dir, 'server.crt')]).trim(), `${join(step.dir, 'server.crt')}: OK`);
});
