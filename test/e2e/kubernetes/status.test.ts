import {X509Certificate} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {makeTestPki} from '../../support/stand-ins/openssl-pki.js';
import {shown, startCluster} from './support.js';

test.serial('kubectl: status reads every certificate key of the secrets back; a secret replaced by hand is drift (exit 1), an expiring one too', async t => {
	const cluster = await startCluster(t, {});
	const out = join(cluster.scratch, 'out');
	const deployed = await cluster.cli(['run', 'generic', '--target', 'kubectl', '--set', 'namespace=status-demo', '--out', out, '--yes']);
	t.is(deployed.exitCode, 0, shown(deployed));

	const status = await cluster.cli(['status']);
	t.is(status.exitCode, 0, shown(status));
	const server = new X509Certificate(await readFile(join(out, 'certs', 'server.crt')));
	for (const where of ['kube secret status-demo/mtls-server key tls.crt', 'kube secret status-demo/mtls-server key ca.crt', 'kube secret status-demo/mtls-client key tls.crt', 'kube secret status-demo/mtls-client key ca.crt']) {
		t.true(status.stdout.includes(`${where}: match`), where);
	}

	t.true(status.stdout.includes(`SHA-256 ${server.fingerprint256}`));
	t.regex(status.stdout, /SANs DNS:localhost, IP Address:127\.0\.0\.1/);
	t.false(status.stdout.includes('tls.key'), 'keys are never read back or shown');
	t.regex(status.stdout, /\nLeft to do by hand \(what status cannot check\):\n {2}mount-secrets: Mount the secrets in your workloads\n/, 'the step by hand is not reported done');

	// By hand: the server secret re-created from a certificate the session never issued.
	const other = await makeTestPki(join(cluster.scratch, 'other'));
	const deleted = await cluster.kubectl('-n', 'status-demo', 'delete', 'secret', 'mtls-server');
	t.is(deleted.exitCode, 0, deleted.stderr);
	const created = await cluster.kubectl('-n', 'status-demo', 'create', 'secret', 'tls', 'mtls-server', `--cert=${other.server.cert}`, `--key=${other.server.key}`);
	t.is(created.exitCode, 0, created.stderr);
	const drifted = await cluster.cli(['status', '--json']);
	t.is(drifted.exitCode, 1, shown(drifted));
	const report = JSON.parse(drifted.stdout) as {healthy: boolean; certificates: Array<{id: string; copies: Array<{where: string; state: string; note?: string}>}>; toDoByHand: unknown};
	t.false(report.healthy);
	t.deepEqual(report.toDoByHand, [{stepId: 'mount-secrets', title: 'Mount the secrets in your workloads'}]);
	const states = Object.fromEntries(report.certificates.flatMap(c => c.copies.map(copy => [`${c.id} ${copy.where}`, copy.state])));
	t.is(states['server kube secret status-demo/mtls-server key tls.crt'], 'drift');
	t.is(states['ca kube secret status-demo/mtls-server key ca.crt'], 'missing');
	t.is(states['client kube secret status-demo/mtls-client key tls.crt'], 'match');

	const soon = await cluster.cli(['run', 'generic', '--target', 'kubectl', '--set', 'namespace=status-soon', '--set', 'days=20', '--out', join(cluster.scratch, 'soon'), '--yes']);
	t.is(soon.exitCode, 0, shown(soon));
	const expiring = await cluster.cli(['status']);
	t.is(expiring.exitCode, 1, shown(expiring));
	t.regex(expiring.stdout, /^server {2}EXPIRES WITHIN 30 DAYS$/m);
	t.regex(expiring.stdout, /kube secret status-soon\/mtls-server key tls.crt: match/);
	t.is((await cluster.cli(['status', '--warn-days', '10'])).exitCode, 0);
});
