import {X509Certificate} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {readCertificateProfile} from '../../source/pki/certificate-profile.js';
import {pemBlocks} from '../../source/pki/pem-blocks.js';
import {judgeHandshake, type JudgeName} from '../support/judges/index.js';
import {chainFile, opensslCa, type OpensslKey} from '../pki/support/openssl-ca.js';
import {openssl} from '../pki/support/openssl.js';
import {runCli} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';

/*
 * The PKI an enterprise hands out: a root and an issuing CA made by openssl, with a UTF-8 subject and name
 * constraints; the wizard gets the issuing CA's key and the chain file, never the root's key.
 */
type Variant = {title: string; root: OpensslKey; issuing: OpensslKey; keyType: string; judges: boolean};

const variants: Variant[] = [
	{title: 'RSA root → RSA issuing CA, RSA leaves', root: 'rsa', issuing: 'rsa', keyType: 'rsa', judges: true},
	{title: 'ECDSA P-384 root → ECDSA P-256 issuing CA, ECDSA P-256 leaves', root: 'ec-p384', issuing: 'ec-p256', keyType: 'ecdsa-p256', judges: true},
	{title: 'RSA root → RSA-PSS issuing CA, ECDSA P-384 leaves', root: 'rsa', issuing: 'rsa-pss', keyType: 'ecdsa-p384', judges: false},
	{title: 'RSA root → ECDSA P-521 issuing CA', root: 'rsa', issuing: 'ec-p521', keyType: 'rsa', judges: false},
	{title: 'Ed25519 root → Ed25519 issuing CA', root: 'ed25519', issuing: 'ed25519', keyType: 'rsa', judges: false},
];

async function corporatePki(dir: string, variant: Variant) {
	const root = await opensslCa(dir, {name: 'root', subject: '/C=DE/O=Müller GmbH/CN=Müller Root CA', key: variant.root, pathLength: 1});
	const issuing = await opensslCa(dir, {
		name: 'issuing',
		subject: '/O=Müller GmbH/CN=Müller Issuing CA 東京',
		key: variant.issuing,
		parent: root,
		pathLength: 0,
		nameConstraints: 'critical,permitted;DNS:.corp.example,permitted;IP:127.0.0.0/255.0.0.0',
	});
	return {root, issuing, chain: await chainFile(dir, 'chain.pem', [issuing, root])};
}

async function judge(server: JudgeName, client: JudgeName, out: string, serverName: string) {
	return judgeHandshake({
		server: {judge: server, ca: join(out, 'ca.crt'), cert: join(out, 'server.crt'), key: join(out, 'server.key')},
		client: {judge: client, ca: join(out, 'ca.crt'), cert: join(out, 'client.crt'), key: join(out, 'client.key'), serverName},
	});
}

for (const variant of variants) {
	test(`certs with an intermediate CA, ${variant.title}: chains, UTF-8 names and signatures that openssl, Node${variant.judges ? ', Go and Java' : ''} accept`, async t => {
		const dir = await tempDir(t, 'mtls-corporate-');
		const pki = await corporatePki(dir, variant);
		const out = join(dir, 'out');
		const issued = await runCli([
			'certs', '--out', out, '--server-dns', 'server.corp.example', '--server-ip', '127.0.0.1', '--client-cn', 'edge-東京',
			'--key-type', variant.keyType, '--ca-cert', pki.chain, '--ca-key', pki.issuing.keyPath,
		]);
		t.is(issued.exitCode, 0, issued.stderr);

		// Trust file: issuing CA then root; leaf files: leaf then the issuing CA.
		const caBlocks = pemBlocks(await readFile(join(out, 'ca.crt'), 'utf8'), ['CERTIFICATE']);
		t.deepEqual(caBlocks, [pki.issuing.certificatePem, pki.root.certificatePem]);
		for (const name of ['server.crt', 'client.crt']) {
			const blocks = pemBlocks(await readFile(join(out, name), 'utf8'), ['CERTIFICATE']);
			t.is(blocks.length, 2, `${name} carries the leaf and the issuing CA`);
			t.is(blocks[1], pki.issuing.certificatePem);
			// The issuer is the CA's subject byte for byte (a re-encoded UTF-8 name would not chain).
			t.deepEqual(readCertificateProfile(new X509Certificate(blocks[0]!).raw).issuerDer, readCertificateProfile(new X509Certificate(pki.issuing.certificatePem).raw).subjectDer);
		}

		const subject = await openssl(['x509', '-in', join(out, 'client.crt'), '-noout', '-subject', '-issuer', '-nameopt', 'utf8,sep_comma_plus_space']);
		t.is(subject.code, 0, subject.stderr);
		t.regex(subject.stdout, /subject=CN=edge-東京/);
		t.regex(subject.stdout, /issuer=O=Müller GmbH, CN=Müller Issuing CA 東京/);
		const asn1 = await openssl(['asn1parse', '-in', join(out, 'client.crt')]);
		t.regex(asn1.stdout, /UTF8STRING\s+:edge-/, 'the CN is a UTF8String');

		for (const [name, purpose] of [['server.crt', 'sslserver'], ['client.crt', 'sslclient']] as const) {
			const verdict = await openssl(['verify', '-x509_strict', '-purpose', purpose, '-CAfile', pki.root.certPath, '-untrusted', join(out, name), join(out, name)]);
			t.is(verdict.code, 0, `openssl verifies ${name} from the root alone: ${verdict.stdout}${verdict.stderr}`);
		}

		const verify = await runCli(['verify', out, '--name', 'server.corp.example']);
		t.is(verify.exitCode, 0, verify.stdout + verify.stderr);
		const inspect = await runCli(['inspect', '--ca', join(out, 'ca.crt'), join(out, 'server.crt')]);
		t.is(inspect.exitCode, 0, inspect.stdout + inspect.stderr);
		t.regex(inspect.stdout, /chains to CA: yes: path "O=Müller GmbH, CN=Müller Issuing CA 東京" → "C=DE, O=Müller GmbH, CN=Müller Root CA"/);

		if (variant.judges) {
			for (const [server, client] of [['go', 'java'], ['java', 'go']] as const) {
				const verdict = await judge(server, client, out, 'server.corp.example');
				t.true(verdict.server.accepted, `${server} server: ${JSON.stringify(verdict.server)}`);
				t.true(verdict.client.accepted, `${client} client: ${JSON.stringify(verdict.client)}`);
			}
		}
	});
}

test('certs refuses a chain in the wrong order, one that stops below the root, and a parent whose pathlen forbids the issuing CA', async t => {
	const dir = await tempDir(t, 'mtls-corporate-');
	const root = await opensslCa(dir, {name: 'root', subject: '/CN=Root', pathLength: 0});
	const middle = await opensslCa(dir, {name: 'middle', subject: '/CN=Middle', parent: root});
	const issuing = await opensslCa(dir, {name: 'issuing', subject: '/CN=Issuing', parent: middle});
	const attempt = async (chain: string) => runCli(['certs', '--out', join(dir, 'out'), '--server-dns', 'server.corp.example', '--ca-cert', chain, '--ca-key', issuing.keyPath]);
	const reversed = await attempt(await chainFile(dir, 'reversed.pem', [issuing, root, middle]));
	t.is(reversed.exitCode, 2);
	t.regex(reversed.stderr, /holds certificate 2 of the chain \("CN=Root"\), which|did not sign certificate 1/);
	const short = await attempt(await chainFile(dir, 'short.pem', [issuing, middle]));
	t.regex(short.stderr, /ends at "CN=Middle", which is not a self-signed root .* Append the parent CA certificates up to the root/);
	const whole = await attempt(await chainFile(dir, 'whole.pem', [issuing, middle, root]));
	t.regex(whole.stderr, /holds certificate 3 of the chain \("CN=Root"\), which has basicConstraints pathlen:0, fewer CAs below it than the 2 in this chain/);
});

test('certs refuses a name outside the root\'s constraints even when the issuing CA has none', async t => {
	const dir = await tempDir(t, 'mtls-corporate-');
	const root = await opensslCa(dir, {name: 'root', subject: '/CN=Root', nameConstraints: 'critical,permitted;DNS:.corp.example'});
	const issuing = await opensslCa(dir, {name: 'issuing', subject: '/CN=Issuing', parent: root});
	const chain = await chainFile(dir, 'chain.pem', [issuing, root]);
	const result = await runCli(['certs', '--out', join(dir, 'out'), '--server-dns', 'server.other.example', '--ca-cert', chain, '--ca-key', issuing.keyPath]);
	t.is(result.exitCode, 2, result.stderr);
	t.regex(result.stderr, /cannot sign server\.crt: the CN=Root parent's nameConstraints permits only DNS:\.corp\.example, not DNS:server\.other\.example/);
});

test('certs --key-type ecdsa-p256 makes an ECDSA CA and ECDSA leaves (digitalSignature only) that verify', async t => {
	const out = join(await tempDir(t, 'mtls-corporate-'), 'out');
	const issued = await runCli(['certs', '--out', out, '--server-dns', 'localhost', '--key-type', 'ecdsa-p256']);
	t.is(issued.exitCode, 0, issued.stderr);
	t.regex(issued.stdout, /ECDSA P-256 keys, signed with ecdsa-with-SHA256/);
	const ca = new X509Certificate(await readFile(join(out, 'ca.crt'), 'utf8'));
	t.is(ca.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
	const server = readCertificateProfile(new X509Certificate(await readFile(join(out, 'server.crt'), 'utf8')).raw);
	t.deepEqual(server.keyUsage, ['digitalSignature']);
	const verify = await runCli(['verify', out]);
	t.is(verify.exitCode, 0, verify.stdout);
	const bad = await runCli(['certs', '--out', join(out, 'x'), '--server-dns', 'localhost', '--key-type', 'dsa']);
	t.is(bad.exitCode, 2);
	t.is(bad.stderr, 'mtls-wizard: --key-type: "dsa" is not a supported key type. Use --key-type rsa, ecdsa-p256, ecdsa-p384\n');
});
