import {readdir} from 'node:fs/promises';
import {relative} from 'node:path';
import {join} from 'node:path';
import test from 'ava';
import {opensslCa} from '../pki/support/openssl-ca.js';
import {opensslVerify} from '../pki/support/openssl.js';
import {runCli} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';

/** Every file under dir except the wizard's home (sessions), as relative paths. */
async function filesUnder(dir: string): Promise<string[]> {
	const entries = await readdir(dir, {recursive: true, withFileTypes: true});
	return entries.filter(e => e.isFile()).map(e => relative(dir, `${e.parentPath}/${e.name}`)).filter(path => !path.startsWith('home/'));
}

test('run refuses days=3000 with caDays=10 before anything is written, naming both', async t => {
	const cwd = await tempDir(t, 'mtls-issuing-');
	const result = await runCli(['run', 'generic', '--target', 'bundle', '--yes', '--set', 'days=3000', '--set', 'caDays=10'], {cwd, env: {MTLS_WIZARD_HOME: join(cwd, 'home')}});
	t.is(result.exitCode, 2, result.stderr);
	t.is(result.stderr, 'mtls-wizard: --set days: "3000" outlives the CA it would be signed by (caDays 10). Use days 10 or less, or raise caDays\n');
	t.deepEqual(await readdir(cwd), []);
});

test('run with your own CA valid 10 days refuses the default 825-day leaves with the dates, before anything is written', async t => {
	const fixtures = await tempDir(t, 'mtls-issuing-ca-');
	const ca = await opensslCa(fixtures, {name: 'short', subject: '/CN=Short-lived CA', days: 10});
	const cwd = await tempDir(t, 'mtls-issuing-');
	const result = await runCli(['run', 'generic', '--target', 'bundle', '--yes', '--set', `caCert=${ca.certPath}`, '--set', `caKey=${ca.keyPath}`], {
		cwd,
		env: {MTLS_WIZARD_HOME: join(cwd, 'home')},
	});
	t.is(result.exitCode, 2, result.stdout + result.stderr);
	t.regex(result.stdout, /days: "825" would make server\.crt valid until \d{4}-\d\d-\d\d, after its CA .*short\.crt expires on \d{4}-\d\d-\d\d\. Use days (9|10) or less/);
	t.deepEqual(await filesUnder(cwd), [], 'no certificate written');
});

test('certs refuses a name outside the CA\'s name constraints, naming the constraint, and writes nothing', async t => {
	const fixtures = await tempDir(t, 'mtls-issuing-ca-');
	const ca = await opensslCa(fixtures, {name: 'corp', subject: '/CN=Corp CA', nameConstraints: 'critical,permitted;DNS:.corp.example'});
	const parent = await tempDir(t, 'mtls-issuing-');
	const out = join(parent, 'out');
	const result = await runCli(['certs', '--out', out, '--server-dns', 'server.other.example', '--ca-cert', ca.certPath, '--ca-key', ca.keyPath]);
	t.is(result.exitCode, 2, result.stderr);
	t.is(
		result.stderr,
		`mtls-wizard: --ca-cert: ${JSON.stringify(ca.certPath)} cannot sign server.crt: its nameConstraints permits only DNS:.corp.example, not DNS:server.other.example. Use names the CA permits, or ask your PKI for a CA whose constraints permit these names\n`,
	);
	t.deepEqual(await readdir(parent), []);
});

test('certs refuses a dotted client CN that OpenSSL would check against the DNS constraints, and signs names inside them', async t => {
	const fixtures = await tempDir(t, 'mtls-issuing-ca-');
	const ca = await opensslCa(fixtures, {name: 'corp', subject: '/CN=Corp CA', nameConstraints: 'critical,permitted;DNS:.corp.example,excluded;DNS:secret.corp.example'});
	const parent = await tempDir(t, 'mtls-issuing-');
	const flags = ['--ca-cert', ca.certPath, '--ca-key', ca.keyPath];
	const dotted = await runCli(['certs', '--out', join(parent, 'a'), '--server-dns', 'server.corp.example', '--client-cn', 'agent.other.example', ...flags]);
	t.is(dotted.exitCode, 2, dotted.stderr);
	t.regex(dotted.stderr, /cannot sign client\.crt: its nameConstraints permits only DNS:\.corp\.example, not DNS:agent\.other\.example/);
	const excluded = await runCli(['certs', '--out', join(parent, 'b'), '--server-dns', 'x.secret.corp.example', ...flags]);
	t.regex(excluded.stderr, /nameConstraints excludes DNS:secret\.corp\.example, which covers DNS:x\.secret\.corp\.example/);
	t.deepEqual(await readdir(parent), []);

	const out = join(parent, 'ok');
	const inside = await runCli(['certs', '--out', out, '--server-dns', 'server.corp.example', '--client-cn', 'agent-1', ...flags]);
	t.is(inside.exitCode, 0, inside.stderr);
	const verdict = await opensslVerify(join(out, 'ca.crt'), join(out, 'server.crt'), ['-purpose', 'sslserver']);
	t.true(verdict.ok, verdict.output);
});

test('certs refuses an IP outside the CA\'s IP constraint', async t => {
	const fixtures = await tempDir(t, 'mtls-issuing-ca-');
	const ca = await opensslCa(fixtures, {name: 'net', subject: '/CN=Net CA', nameConstraints: 'critical,permitted;IP:10.0.0.0/255.0.0.0'});
	const parent = await tempDir(t, 'mtls-issuing-');
	const result = await runCli(['certs', '--out', join(parent, 'out'), '--server-ip', '192.168.1.5', '--ca-cert', ca.certPath, '--ca-key', ca.keyPath]);
	t.is(result.exitCode, 2, result.stderr);
	t.regex(result.stderr, /nameConstraints permits only IP:10\.0\.0\.0\/8, not IP:192\.168\.1\.5/);
	t.deepEqual(await readdir(parent), []);
});

test('run refuses a name outside your CA\'s constraints before anything is written', async t => {
	const fixtures = await tempDir(t, 'mtls-issuing-ca-');
	const ca = await opensslCa(fixtures, {name: 'corp', subject: '/CN=Corp CA', nameConstraints: 'critical,permitted;DNS:.corp.example'});
	const cwd = await tempDir(t, 'mtls-issuing-');
	const result = await runCli(['run', 'generic', '--target', 'bundle', '--yes', '--set', `caCert=${ca.certPath}`, '--set', `caKey=${ca.keyPath}`], {
		cwd,
		env: {MTLS_WIZARD_HOME: join(cwd, 'home')},
	});
	t.is(result.exitCode, 2, result.stdout + result.stderr);
	t.regex(result.stdout, /answer caCert: .*corp\.crt" cannot sign server\.crt: its nameConstraints permits only DNS:\.corp\.example, not DNS:localhost/);
	t.deepEqual(await filesUnder(cwd), [], 'no certificate written');
});
