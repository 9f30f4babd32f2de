import {join} from 'node:path';
import test from 'ava';
import {chartPath, freePort, shown, standInImage, startCluster} from './support.js';

test.serial('portainer --target helm: the chart runs Portainer EE with the mTLS secret; the probe with the agent certificate confirms', async t => {
	// Portainer's Service port 9443 would be reached through a LoadBalancer or NodePort in a real cluster; the emulator
	// runs the pod on the host's loopback, so the stand-in binds a free port there and the probe is pointed at it
	// through the recipe's own answers (mtlsDomain=localhost, httpsPort).
	const port = await freePort();
	const image = 'portainer/portainer-ee:2.39.4';
	const cluster = await startCluster(t, {[image]: standInImage('portainer-server', {}, [`--bind-https=:${port}`, '--log-mode', 'NOCOLOR'])});
	const out = join(cluster.scratch, 'out');
	const result = await cluster.cli([
		'run', 'portainer', '--target', 'helm',
		'--set', 'mtlsDomain=localhost',
		'--set', `httpsPort=${port}`,
		'--set', `chart=${chartPath('portainer')}`,
		'--set', 'namespace=portainer-e2e',
		'--out', out, '--yes',
	]);
	t.is(result.exitCode, 0, shown(result));
	t.regex(result.stdout, /accepted with the client certificate \(TLSv1\.[23], GET \/api\/system\/status answered HTTP 200\)/);
	t.regex(result.stdout, /refused with a certificate from another CA/);

	const secret = await cluster.kubectl('-n', 'portainer-e2e', 'get', 'secret', 'portainer-mtls-certs', '-o', 'jsonpath={.type} {.data}');
	t.regex(secret.stdout, /^Opaque .*"mtlsca\.crt".*"mtlscert\.crt".*"mtlskey\.key"/, secret.stderr);
	const args = await cluster.kubectl('-n', 'portainer-e2e', 'get', 'deployment', 'portainer', '-o', 'jsonpath={.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].args}');
	t.regex(args.stdout, /^portainer\/portainer-ee:2\.39\.4 .*--mtlscacert=\/certs\/mtls\/mtlsca\.crt/, args.stderr);
	const log = await cluster.logs('portainer-e2e', 'deployment/portainer', /starting HTTPS server/);
	t.notRegex(log, /failed to load|FTL/);
});
