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

/** A secret's keys as text. */
async function secretFiles(cluster: Awaited<ReturnType<typeof startCluster>>, namespace: string, name: string): Promise<Record<string, string>> {
	const got = await cluster.kubectl('-n', namespace, 'get', 'secret', name, '-o', 'jsonpath={.data}');
	return Object.fromEntries(Object.entries(JSON.parse(got.stdout) as Record<string, string>).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));
}

/** A TLS handshake between a server and a client each built from what a secret holds: ok, or why it was refused. */
async function handshake(server: Record<string, string>, client: Record<string, string>): Promise<string> {
	const tls = await import('node:tls');
	// The server answers only a client it accepted: under TLS 1.3 the client's handshake completes before the server
	// has judged its certificate, so only the answer (or the alert in its place) tells.
	const listener = tls.createServer({cert: server['tls.crt'], key: server['tls.key'], ca: server['ca.crt'], requestCert: true, rejectUnauthorized: true}, socket => socket.end('accepted'));
	await new Promise<void>(resolve => listener.listen(0, '127.0.0.1', resolve));
	const {port} = listener.address() as {port: number};
	try {
		return await new Promise(resolve => {
			const socket = tls.connect({port, host: '127.0.0.1', servername: 'localhost', cert: client['tls.crt'], key: client['tls.key'], ca: client['ca.crt']});
			socket.on('data', data => resolve(String(data) === 'accepted' ? 'ok' : `unexpected answer: ${String(data)}`));
			socket.on('error', error => resolve(`refused: ${error.message}`));
			socket.on('end', () => resolve('refused: closed without an answer'));
		});
	} finally {
		listener.close();
	}
}

test.serial('kubectl: rotate-ca --keep-old-ca leaves both secrets trusting the old and the new CA, so old and new certificates meet; --drop-old-ca leaves the new CA alone and the old client is refused', async t => {
	const cluster = await startCluster(t, {});
	const out = join(cluster.scratch, 'out');
	const deployed = await cluster.cli(['run', 'generic', '--target', 'kubectl', '--set', 'namespace=rotate-kubectl', '--out', out, '--yes']);
	t.is(deployed.exitCode, 0, shown(deployed));
	const before = {server: await secretFiles(cluster, 'rotate-kubectl', 'mtls-server'), client: await secretFiles(cluster, 'rotate-kubectl', 'mtls-client')};
	t.is(await handshake(before.server, before.client), 'ok');

	const kept = await cluster.cli(['rotate-ca', '--keep-old-ca', '--yes'], {timeoutMs: 300_000});
	t.is(kept.exitCode, 0, shown(kept));
	const [version] = await readdir(join(out, 'rotate-ca'));
	const newCa = await readFile(join(out, 'rotate-ca', version!, 'certs', 'ca.crt'), 'utf8');
	const oldCa = await readFile(join(out, 'certs', 'ca.crt'), 'utf8');
	const during = {server: await secretFiles(cluster, 'rotate-kubectl', 'mtls-server'), client: await secretFiles(cluster, 'rotate-kubectl', 'mtls-client')};
	for (const side of ['server', 'client'] as const) {
		t.true(during[side]['ca.crt']!.includes(oldCa.trim()) && during[side]['ca.crt']!.includes(newCa.trim()), `${side}: trusts both CAs`);
		t.true(new X509Certificate(during[side]['tls.crt']!).checkIssued(new X509Certificate(newCa)), `${side}: its certificate is from the new CA`);
	}

	// A side that has taken phase 1 (the trust of both CAs) but not yet phase 2 (its new certificate), as a workload
	// restarting later than its peer is, meets a side that has taken both: neither refuses the other.
	const phaseOne = (side: 'server' | 'client') => ({...before[side], 'ca.crt': during[side]['ca.crt']!});
	t.is(await handshake(during.server, phaseOne('client')), 'ok', 'a client still on its old certificate');
	t.is(await handshake(phaseOne('server'), during.client), 'ok', 'a server still on its old certificate');
	t.regex(await handshake(during.server, before.client), /^refused/, 'without phase 1 first, the old client would refuse the new server');
	t.is(await handshake(during.server, during.client), 'ok');

	const dropped = await cluster.cli(['rotate-ca', '--drop-old-ca', '--yes'], {timeoutMs: 300_000});
	t.is(dropped.exitCode, 0, shown(dropped));
	const after = {server: await secretFiles(cluster, 'rotate-kubectl', 'mtls-server'), client: await secretFiles(cluster, 'rotate-kubectl', 'mtls-client')};
	t.is(after.server['ca.crt'], newCa, 'the server trusts the new CA alone');
	t.is(after.client['ca.crt'], newCa);
	t.is(await handshake(after.server, after.client), 'ok');
	t.regex(await handshake(after.server, {...before.client, 'ca.crt': newCa}), /^refused/, 'the old client certificate is refused once the old CA is dropped');
});
