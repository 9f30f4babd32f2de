import test from 'ava';
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {judgeHandshake, startJudgeServer, type JudgeName, type Verdict} from '../support/judges/index.js';
import {runCli} from '../support/run-cli.js';
import {openssl, opensslPath} from './support/openssl.js';

type Pair = {cert: string; key: string};
type Fixture = {ca: string; server: Pair; client: Pair; otherCa: string; otherServer: Pair; otherClient: Pair; serverAuthOnlyClient: Pair; commonNameOnlyServer: Pair};

const judges: JudgeName[] = ['go', 'java'];
const other = (judge: JudgeName): JudgeName => (judge === 'go' ? 'java' : 'go');

let root: string;
let fixture: Fixture;

async function wizardCerts(out: string): Promise<void> {
	const result = await runCli(['certs', '--out', out, '--server-dns', 'localhost', '--server-dns', 'server.example.test', '--server-ip', '127.0.0.1', '--days', '5']);
	if (result.exitCode !== 0) throw new Error(`mtls-wizard certs failed (${result.exitCode}): ${result.stderr}`);
}

/** A leaf the wizard would never issue, signed by the wizard's CA with openssl, so only its extensions differ. */
async function opensslLeaf(dir: string, name: string, subject: string, extensions: string): Promise<Pair> {
	const path = (suffix: string) => join(dir, `${name}.${suffix}`);
	const steps = [
		['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', path('key'), '-out', path('csr'), '-subj', subject],
		['x509', '-req', '-in', path('csr'), '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'), '-CAcreateserial', '-sha256', '-days', '2', '-out', path('crt'), '-extfile', path('ext')],
	];
	await writeFile(path('ext'), extensions);
	for (const args of steps) {
		const result = await openssl(args);
		if (result.code !== 0) throw new Error(`openssl ${args[0]} for ${name} failed: ${result.stderr}`);
	}

	return {cert: path('crt'), key: path('key')};
}

test.before(async () => {
	root = await mkdtemp(join(tmpdir(), 'mtls-judges-'));
	const dir = join(root, 'pki');
	const otherDir = join(root, 'other-pki');
	await Promise.all([wizardCerts(dir), wizardCerts(otherDir)]);
	const pair = (base: string, name: string) => ({cert: join(base, `${name}.crt`), key: join(base, `${name}.key`)});
	fixture = {
		ca: join(dir, 'ca.crt'),
		server: pair(dir, 'server'),
		client: pair(dir, 'client'),
		otherCa: join(otherDir, 'ca.crt'),
		otherServer: pair(otherDir, 'server'),
		otherClient: pair(otherDir, 'client'),
		serverAuthOnlyClient: await opensslLeaf(dir, 'server-auth-only-client', '/CN=agent',
			'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n'),
		commonNameOnlyServer: await opensslLeaf(dir, 'common-name-only-server', '/CN=localhost',
			'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n'),
	};
});

test.after.always(async () => {
	if (root) await rm(root, {recursive: true, force: true});
});

const accepted: Verdict = {accepted: true};

function refusal(verdict: Verdict): string {
	return verdict.accepted ? '(accepted)' : verdict.error;
}

for (const serverJudge of judges) {
	for (const clientJudge of judges) {
		test(`the wizard's certificates: a ${serverJudge} mTLS server and a ${clientJudge} client accept each other under every name the server carries`, async t => {
			for (const serverName of ['localhost', 'server.example.test', '127.0.0.1']) {
				const verdicts = await judgeHandshake({
					server: {judge: serverJudge, ca: fixture.ca, ...fixture.server},
					client: {judge: clientJudge, ca: fixture.ca, ...fixture.client, serverName},
				});
				t.deepEqual(verdicts, {server: accepted, client: accepted}, serverName);
			}
		});
	}
}

/** Cases the server judges: the client side is the other judge, which must see the refusal too. */
const serverRefuses: Array<{title: string; client: (f: Fixture) => Partial<Pair>; expected: Record<JudgeName, RegExp>}> = [
	{
		title: 'a client certificate without clientAuth (made by openssl, signed by the wizard\'s CA)',
		client: f => f.serverAuthOnlyClient,
		expected: {go: /^tls: failed to verify client certificate: x509: certificate specifies an incompatible key usage$/, java: /Extended key usage does not permit use for TLS client authentication/},
	},
	{
		// Go and Java clients send no certificate that the server's list of acceptable CAs does not cover,
		// so the server sees none; the server's own verdict on such a certificate is below, with openssl sending it.
		title: 'a client certificate from another CA, which the client withholds',
		client: f => f.otherClient,
		expected: {go: /^tls: client didn't provide a certificate$/, java: /^Empty client certificate chain$/},
	},
	{
		title: 'a client without a certificate',
		client: () => ({}),
		expected: {go: /^tls: client didn't provide a certificate$/, java: /^Empty client certificate chain$/},
	},
];

for (const serverJudge of judges) {
	for (const {title, client, expected} of serverRefuses) {
		test(`a ${serverJudge} mTLS server refuses ${title}`, async t => {
			const verdicts = await judgeHandshake({
				server: {judge: serverJudge, ca: fixture.ca, ...fixture.server},
				client: {judge: other(serverJudge), ca: fixture.ca, ...client(fixture), serverName: 'localhost'},
			});
			t.regex(refusal(verdicts.server), expected[serverJudge]);
			t.false(verdicts.client.accepted, `the ${other(serverJudge)} client saw no refusal`);
		});
	}
}

/** openssl s_client presents its certificate whatever CAs the server asks for; stdin at EOF ends it after the handshake. */
async function opensslClientPresents(port: number, client: Pair): Promise<void> {
	const child = spawn(opensslPath, ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', fixture.ca, '-cert', client.cert, '-key', client.key], {stdio: ['ignore', 'ignore', 'ignore']});
	await once(child, 'close');
}

for (const serverJudge of judges) {
	test(`a ${serverJudge} mTLS server refuses a client certificate from another CA, presented by openssl`, async t => {
		const server = await startJudgeServer({judge: serverJudge, ca: fixture.ca, ...fixture.server});
		await opensslClientPresents(server.port, fixture.otherClient);
		const expected = {go: /^tls: failed to verify client certificate: x509: certificate signed by unknown authority/, java: /PKIX path building failed.*unable to find valid certification path to requested target/};
		t.regex(refusal(await server.verdict), expected[serverJudge]);
	});
}

/** Cases the client judges, against the other judge as server. */
const clientRefuses: Array<{title: string; server: (f: Fixture) => Pair; serverName: string; expected: Record<JudgeName, RegExp>}> = [
	{
		title: 'a name the server certificate does not carry',
		server: f => f.server,
		serverName: 'wrong.example',
		expected: {go: /^x509: certificate is valid for localhost, server\.example\.test, not wrong\.example$/, java: /^No subject alternative DNS name matching wrong\.example found\.$/},
	},
	{
		title: 'an address the server certificate does not carry',
		server: f => f.server,
		serverName: '127.0.0.2',
		expected: {go: /^x509: certificate is valid for 127\.0\.0\.1, not 127\.0\.0\.2$/, java: /^No subject alternative names matching IP address 127\.0\.0\.2 found$/},
	},
	{
		title: 'a server certificate from another CA',
		server: f => f.otherServer,
		serverName: 'localhost',
		expected: {go: /^x509: certificate signed by unknown authority/, java: /PKIX path building failed.*unable to find valid certification path to requested target/},
	},
];

for (const clientJudge of judges) {
	for (const {title, server, serverName, expected} of clientRefuses) {
		test(`a ${clientJudge} client refuses ${title}`, async t => {
			const verdicts = await judgeHandshake({
				server: {judge: other(clientJudge), ca: fixture.ca, ...server(fixture)},
				client: {judge: clientJudge, ca: fixture.ca, ...fixture.client, serverName},
			});
			t.regex(refusal(verdicts.client), expected[clientJudge]);
			t.false(verdicts.server.accepted, `the ${other(clientJudge)} server saw no refusal`);
		});
	}
}

// Java's HTTPS endpoint identification still falls back to the CN when a certificate has no SAN, so Go is the
// judge that holds the wizard to writing SANs.
test('a go client refuses a server certificate with the name in its CN and no SAN', async t => {
	const verdicts = await judgeHandshake({
		server: {judge: 'java', ca: fixture.ca, ...fixture.commonNameOnlyServer},
		client: {judge: 'go', ca: fixture.ca, ...fixture.client, serverName: 'localhost'},
	});
	t.regex(refusal(verdicts.client), /^x509: certificate relies on legacy Common Name field, use SANs instead$/);
});
