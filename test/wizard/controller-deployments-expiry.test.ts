import {readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {createController} from '../../source/wizard/create-controller.js';
import {openssl} from '../pki/support/openssl.js';
import {runCli} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';
import {readSessions} from '../commands/support/session-files.js';

const agents = 40;

test(`the deployments list of a fleet of ${agents} agents reads no certificate while the files are as the run left them, and notices one rewritten since`, async t => {
	const dir = await tempDir(t, 'mtls-deployments-expiry-');
	const env = {PATH: process.env['PATH'], MTLS_WIZARD_HOME: join(dir, 'home')};
	const out = join(dir, 'out');
	const run = await runCli(['run', 'generic', '--target', 'bundle', '--out', out, '--set', `agents=edge-{1..${agents}}`, '--set', 'keyType=ecdsa-p256'], {env});
	t.is(run.exitCode, 0, run.stdout + run.stderr);
	const [session] = await readSessions(join(dir, 'home'));
	t.truthy(session?.firstExpiry, 'the finished run recorded its first expiry');

	const reads: string[] = [];
	const controller = createController({
		env,
		cwd: dir,
		async readCertificate(path) {
			reads.push(path);
			return readFile(path, 'utf8');
		},
	});
	const [listed] = await controller.findDeployments();
	t.deepEqual(reads, [], 'no certificate was read to list the deployment');
	t.true([823, 824].includes(listed?.firstExpiry?.daysLeft ?? 0), `a leaf of 825 days expires first: ${JSON.stringify(listed?.firstExpiry)}`);

	// One agent's certificate rewritten in place (same inode) with one that ends in 10 days: the list must say so.
	const replaced = join(out, 'agents', 'edge-17', 'client.crt');
	const key = join(dir, 'short.key');
	const made = await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-subj', '/CN=edge-17', '-days', '10', '-out', join(dir, 'short.crt')]);
	t.is(made.code, 0, made.stderr);
	await writeFile(replaced, await readFile(join(dir, 'short.crt')));
	const [relisted] = await controller.findDeployments();
	// The stamp no longer matches, so every certificate is read again: the CA's, the server's and each agent's.
	t.is(reads.length, agents + 2);
	t.true(reads.includes(replaced), 'the rewritten certificate was read');
	t.is(relisted?.firstExpiry?.file, 'client.crt');
	t.true([9, 10].includes(relisted?.firstExpiry?.daysLeft ?? 0), `the rewritten certificate expires first: ${JSON.stringify(relisted?.firstExpiry)}`);
	const openssl10 = await openssl(['x509', '-in', replaced, '-noout', '-enddate']);
	t.deepEqual(relisted?.firstExpiry?.notAfter, new Date(openssl10.stdout.trim().replace(/^notAfter=/, '')), 'the expiry openssl reads from the file');
});
