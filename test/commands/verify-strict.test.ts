import test from 'ava';
import {judgeHandshake} from '../support/judges/index.js';
import {opensslCa, opensslLeaf, type OpensslCa} from '../pki/support/openssl-ca.js';
import {runCli} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';

const goodServer = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth', 'subjectAltName=DNS:localhost'];
const goodClient = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=clientAuth'];

async function verifySet(dir: string, ca: OpensslCa, server: string[], client: string[]) {
	const serverLeaf = await opensslLeaf(dir, ca, {name: 'server', subject: '/CN=localhost', extensions: server});
	const clientLeaf = await opensslLeaf(dir, ca, {name: 'client', subject: '/CN=client-1', extensions: client});
	const result = await runCli([
		'verify', '--ca', ca.certPath, '--server-cert', serverLeaf.certPath, '--server-key', serverLeaf.keyPath,
		'--client-cert', clientLeaf.certPath, '--client-key', clientLeaf.keyPath, '--name', 'localhost',
	]);
	return {result, serverLeaf, clientLeaf};
}

test('verify fails a server certificate with a CN and no SAN, as Go clients refuse it, naming the cause', async t => {
	const dir = await tempDir(t, 'mtls-verify-strict-');
	const ca = await opensslCa(dir, {name: 'ca', subject: '/CN=Strict CA'});
	const {result, serverLeaf, clientLeaf} = await verifySet(dir, ca, goodServer.filter(line => !line.startsWith('subjectAltName')), goodClient);
	t.is(result.exitCode, 1, result.stdout);
	t.regex(result.stdout, /^FAIL  .*server\.crt has no subjectAltName, only a CN: Go clients refuse it \("x509: certificate relies on legacy Common Name field/m);
	const go = await judgeHandshake({
		server: {judge: 'go', ca: ca.certPath, cert: serverLeaf.certPath, key: serverLeaf.keyPath},
		client: {judge: 'go', ca: ca.certPath, cert: clientLeaf.certPath, key: clientLeaf.keyPath, serverName: 'localhost'},
	});
	t.false(go.client.accepted, 'the Go client refuses it too');
	t.regex(go.client.accepted ? '' : go.client.error, /legacy Common Name/);
});

test('verify fails a leaf with CA:TRUE', async t => {
	const dir = await tempDir(t, 'mtls-verify-strict-');
	const ca = await opensslCa(dir, {name: 'ca', subject: '/CN=Strict CA'});
	const {result} = await verifySet(dir, ca, goodServer, ['basicConstraints=critical,CA:TRUE', ...goodClient.slice(1)]);
	t.is(result.exitCode, 1, result.stdout);
	t.regex(result.stdout, /^FAIL  .*client\.crt is a CA certificate \(basicConstraints CA:TRUE\)/m);
});

test('verify names a name-constraint violation instead of a hung-up socket', async t => {
	const dir = await tempDir(t, 'mtls-verify-strict-');
	const ca = await opensslCa(dir, {name: 'ca', subject: '/CN=Corp CA', nameConstraints: 'critical,permitted;DNS:.corp.example'});
	const server = [...goodServer.slice(0, 3), 'subjectAltName=DNS:localhost'];
	const {result} = await verifySet(dir, ca, server, goodClient);
	t.is(result.exitCode, 1, result.stdout);
	t.regex(result.stdout, /^FAIL  .*server\.crt breaks a name constraint of its CA "CN=Corp CA": nameConstraints permits only DNS:\.corp\.example, not DNS:localhost/m);
	t.notRegex(result.stdout, /socket hang up/);
});

test('verify says keyUsage, not "lacks clientAuth", when the client certificate\'s keyUsage is the problem', async t => {
	const dir = await tempDir(t, 'mtls-verify-strict-');
	const ca = await opensslCa(dir, {name: 'ca', subject: '/CN=Strict CA'});
	const {result} = await verifySet(dir, ca, goodServer, ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,keyEncipherment', 'extendedKeyUsage=clientAuth']);
	t.is(result.exitCode, 1, result.stdout);
	t.regex(result.stdout, /^FAIL  .*client\.crt has keyUsage keyEncipherment without digitalSignature/m);
	t.notRegex(result.stdout, /extendedKeyUsage without clientAuth/);
});

test('verify passes a correct openssl-made set (the checks above are not blanket refusals)', async t => {
	const dir = await tempDir(t, 'mtls-verify-strict-');
	const ca = await opensslCa(dir, {name: 'ca', subject: '/CN=Strict CA'});
	const {result} = await verifySet(dir, ca, goodServer, goodClient);
	t.is(result.exitCode, 0, result.stdout);
	t.notRegex(result.stdout, /FAIL/);
});
