import {X509Certificate} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
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
