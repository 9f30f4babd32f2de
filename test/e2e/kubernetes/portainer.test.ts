import {X509Certificate} from 'node:crypto';
import {mkdir} from 'node:fs/promises';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {chainFile, opensslCa, type OpensslCa} from '../../pki/support/openssl-ca.js';
import {chartPath, freePort, shown, standInImage, startCluster} from './support.js';

const image = 'portainer/portainer-ee:2.39.4';

/**
 * A cluster running the Portainer stand-in, and `mtls-wizard run portainer --target helm` into `namespace` with `extra`
 * answers. Portainer's Service port 9443 would be reached through a LoadBalancer or NodePort in a real cluster; the
 * emulator runs the pod on the host's loopback, so the stand-in binds a free port there and the probe is pointed at
 * it through the recipe's own answers (mtlsDomain=localhost, httpsPort).
 */
async function runPortainerHelm(t: ExecutionContext, namespace: string, extra: (scratch: string) => Promise<string[]> = async () => []) {
	const port = await freePort();
	const cluster = await startCluster(t, {[image]: standInImage('portainer-server', {}, [`--bind-https=:${port}`, '--log-mode', 'NOCOLOR'])});
	const result = await cluster.cli([
		'run', 'portainer', '--target', 'helm',
		'--set', 'mtlsDomain=localhost',
		'--set', `httpsPort=${port}`,
		'--set', `chart=${chartPath('portainer')}`,
		'--set', `namespace=${namespace}`,
		...await extra(cluster.scratch),
		'--out', join(cluster.scratch, 'out'), '--yes',
	]);
	return {cluster, result};
}

test.serial('portainer --target helm: the chart runs Portainer EE with the mTLS secret; the probe with the agent certificate confirms', async t => {
	const {cluster, result} = await runPortainerHelm(t, 'portainer-e2e');
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

test.serial('portainer --target helm with leaves from a corporate issuing CA (RSA root → ECDSA issuing, UTF-8 subject): the secret carries the chain and the probe confirms', async t => {
	let issuing: OpensslCa | undefined;
	const {cluster, result} = await runPortainerHelm(t, 'portainer-corporate', async scratch => {
		const pkiDir = join(scratch, 'corporate-pki');
		await mkdir(pkiDir, {recursive: true});
		const root = await opensslCa(pkiDir, {name: 'root', subject: '/O=Müller GmbH/CN=Müller Root CA', key: 'rsa'});
		issuing = await opensslCa(pkiDir, {name: 'issuing', subject: '/O=Müller GmbH/CN=Müller Issuing CA', key: 'ec-p256', parent: root, pathLength: 0});
		const chain = await chainFile(pkiDir, 'issuing-chain.pem', [issuing, root]);
		return ['--set', `caCert=${chain}`, '--set', `caKey=${issuing.keyPath}`, '--set', 'days=30'];
	});
	t.is(result.exitCode, 0, shown(result));
	t.regex(result.stdout, /accepted with the client certificate \(TLSv1\.[23], GET \/api\/system\/status answered HTTP 200\)/);
	const data = await cluster.kubectl('-n', 'portainer-corporate', 'get', 'secret', 'portainer-mtls-certs', '-o', 'jsonpath={.data.mtlscert\\.crt}');
	const served = Buffer.from(data.stdout, 'base64').toString('utf8');
	t.is((served.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length, 2, 'mtlscert.crt holds the leaf and the issuing CA');
	t.true(new X509Certificate(served).checkIssued(new X509Certificate(issuing!.certificatePem)));
});
