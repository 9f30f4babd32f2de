import {X509Certificate} from 'node:crypto';
import {readdir, readFile} from 'node:fs/promises';
import https from 'node:https';
import {join} from 'node:path';
import test from 'ava';
import {chartPath, freePort, shown, standInImage, startCluster} from './support.js';

const image = 'portainer/portainer-ee:2.39.4';

/** An edge status request over mutual TLS from this process (the emulator's pods listen on 127.0.0.1): a status, or the refusal. */
async function edgeStatus(port: number, files: {ca: string; cert: string; key: string}): Promise<number | string> {
	const [ca, cert, key] = await Promise.all([readFile(files.ca), readFile(files.cert), readFile(files.key)]);
	return new Promise(resolve => {
		https
			.get(`https://localhost:${port}/api/endpoints/1/edge/status`, {ca, cert, key, agent: false}, response => {
				response.resume();
				response.on('end', () => resolve(response.statusCode ?? 0));
			})
			.on('error', error => resolve(`refused: ${error.message}`));
	});
}

test.serial('helm: rotate-ca applies the secret and restarts the release in each phase; the probes see the old then the new server certificate, and the old client certificate ends refused', async t => {
	const port = await freePort();
	const cluster = await startCluster(t, {[image]: standInImage('portainer-server', {}, [`--bind-https=:${port}`, '--log-mode', 'NOCOLOR'])});
	const out = join(cluster.scratch, 'out');
	const deployed = await cluster.cli([
		'run', 'portainer', '--target', 'helm',
		'--set', 'mtlsDomain=localhost', '--set', `httpsPort=${port}`, '--set', `chart=${chartPath('portainer')}`, '--set', 'namespace=rotate-e2e',
		'--out', out, '--yes',
	]);
	t.is(deployed.exitCode, 0, shown(deployed));
	const old = {ca: join(out, 'certs', 'ca.crt'), cert: join(out, 'certs', 'agent.crt'), key: join(out, 'certs', 'agent.key')};
	t.is(await edgeStatus(port, old), 200, 'before the rotation the old client certificate gets through');

	const rotated = await cluster.cli(['rotate-ca', '--yes'], {timeoutMs: 300_000});
	t.is(rotated.exitCode, 0, shown(rotated));
	t.is((rotated.stdout.match(/restarted and rolled out: deployment\.apps\/portainer/g) ?? []).length, 3, 'the release\'s pods restart in every phase');
	const [version] = await readdir(join(out, 'rotate-ca'));
	const dir = join(out, 'rotate-ca', version!);
	const fingerprint = async (file: string) => new X509Certificate(await readFile(file)).fingerprint256;
	const [oldServer, newServer] = [await fingerprint(join(out, 'certs', 'server.crt')), await fingerprint(join(dir, 'certs', 'server.crt'))];
	t.deepEqual([...rotated.stdout.matchAll(/server certificate SHA-256 ([0-9A-F:]{95})/g)].map(match => match[1]), [oldServer, newServer, newServer]);

	const secret = await cluster.kubectl('-n', 'rotate-e2e', 'get', 'secret', 'portainer-mtls-certs', '-o', 'jsonpath={.data.mtlsca\\.crt}');
	t.is(Buffer.from(secret.stdout, 'base64').toString('utf8'), await readFile(join(dir, 'certs', 'ca.crt'), 'utf8'), 'the secret ends with the new CA alone');
	const now = {ca: join(dir, 'certs', 'ca.crt'), cert: join(dir, 'certs', 'agent.crt'), key: join(dir, 'certs', 'agent.key')};
	t.is(await edgeStatus(port, now), 200);
	t.regex(String(await edgeStatus(port, {...old, ca: now.ca})), /^refused/, 'the old client certificate is refused once the old CA is dropped');
});
