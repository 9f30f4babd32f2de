import {X509Certificate} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {delegateImage, harnessPki, kubectlDelegateRun, startManager} from './harness-manager.js';
import {chartPath, freePort, shown, standInImage, startCluster} from './support.js';

const image = 'portainer/portainer-ee:2.39.4';

test.serial('helm: renew replaces the secret, upgrades the release, restarts its workloads, and the probe sees the new server certificate', async t => {
	const port = await freePort();
	const cluster = await startCluster(t, {[image]: standInImage('portainer-server', {}, [`--bind-https=:${port}`, '--log-mode', 'NOCOLOR'])});
	const out = join(cluster.scratch, 'out');
	const deployed = await cluster.cli([
		'run', 'portainer', '--target', 'helm',
		'--set', 'mtlsDomain=localhost', '--set', `httpsPort=${port}`, '--set', `chart=${chartPath('portainer')}`, '--set', 'namespace=renew-e2e',
		'--out', out, '--yes',
	]);
	t.is(deployed.exitCode, 0, shown(deployed));
	const podsBefore = await cluster.kubectl('-n', 'renew-e2e', 'get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}');
	const before = new X509Certificate(await readFile(join(out, 'certs', 'server.crt'))).fingerprint256;

	const renewed = await cluster.cli(['renew', '--yes']);
	t.is(renewed.exitCode, 0, shown(renewed));
	const after = new X509Certificate(await readFile(join(out, 'certs', 'server.crt'))).fingerprint256;
	t.not(after, before);
	t.regex(renewed.stdout, /restarted and rolled out: deployment\.apps\/portainer/);
	t.true(renewed.stdout.includes(`server certificate SHA-256 ${after}`), 'the restarted pod serves the renewed certificate');
	const podsAfter = await cluster.kubectl('-n', 'renew-e2e', 'get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}');
	t.not(podsAfter.stdout, podsBefore.stdout, 'the pod was replaced');

	const status = await cluster.cli(['status']);
	t.is(status.exitCode, 0, shown(status));
	t.regex(status.stdout, /kube secret renew-e2e\/portainer-mtls-certs key mtlscert.crt: match/);
	t.true(status.stdout.includes(`SHA-256 ${after}`));
});

test.serial('harness-delegate --target kubectl: renew replaces the secret, rollout restart replaces the delegate pod, which registers with the new client certificate', async t => {
	const {pki, remove} = await harnessPki();
	t.teardown(remove);
	const {manager, endpoint} = await startManager(t, pki);
	const cluster = await startCluster(t, delegateImage(pki, 'harness/delegate:24.07.83404'));
	const out = join(cluster.scratch, 'out');
	const namespace = 'harness-delegate-ng';
	const deployed = await cluster.cli(kubectlDelegateRun(pki, endpoint, out));
	t.is(deployed.exitCode, 0, shown(deployed));
	const clientFile = join(out, 'certs', 'client.crt');
	const before = new X509Certificate(await readFile(clientFile)).fingerprint256;
	await manager.waitFor(new RegExp(`registered delegate kubernetes-delegate \\(.*\\) for account \\S+ with client certificate harness-delegate \\(SHA-256 ${before}\\)`));
	const pods = async () => (await cluster.kubectl('-n', namespace, 'get', 'pods', '-l', 'harness.io/name=kubernetes-delegate', '-o', 'jsonpath={.items[*].metadata.name}')).stdout;
	const podsBefore = await pods();
	t.not(podsBefore, '', 'the delegate runs in a pod');

	const renewed = await cluster.cli(['renew', '--yes']);
	t.is(renewed.exitCode, 0, shown(renewed));
	const after = new X509Certificate(await readFile(clientFile)).fingerprint256;
	t.not(after, before, 'a new client certificate');
	const secret = await cluster.kubectl('-n', namespace, 'get', 'secret', 'client-certificate', '-o', 'jsonpath={.data.client\\.crt}');
	t.is(new X509Certificate(Buffer.from(secret.stdout, 'base64')).fingerprint256, after, 'the secret was replaced with it');
	// The restart comes after the secret and before the confirmation, which waits for the restarted pod's line.
	const order = ['secret-client-certificate', 'restart-', 'confirm-delegate'].map(id => renewed.stdout.indexOf(`] ${id}`));
	t.true(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]!)), `steps in order ${order.join(', ')}:\n${renewed.stdout}`);
	t.regex(renewed.stdout, /restarted and rolled out: deployment\.apps\/kubernetes-delegate/);
	t.regex(renewed.stdout, /confirmed: The delegate started with both client certificate paths set/);
	t.not(await pods(), podsBefore, 'the delegate pod was replaced');
	// The manager, the delegate's mTLS peer, sees the renewed certificate from the restarted delegate.
	await manager.waitFor(new RegExp(`registered delegate kubernetes-delegate \\(.*\\) for account \\S+ with client certificate harness-delegate \\(SHA-256 ${after}\\)`));

	// The test CA lives 2 days: no window would pass it, so status judges the copies alone.
	const status = await cluster.cli(['status', '--warn-days', '0']);
	t.is(status.exitCode, 0, shown(status));
	t.regex(status.stdout, /kube secret harness-delegate-ng\/client-certificate key client\.crt: match/);
	t.true(status.stdout.includes(`SHA-256 ${after}`));
});
