import {createPrivateKey, createPublicKey, X509Certificate} from 'node:crypto';
import {mkdir, readFile, rename} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {spawnCli} from '../../commands/support/spawn-cli.js';
import {readSessions} from '../../commands/support/session-files.js';
import {docker, freePort, inNamespace, runCommand} from '../../support/private-docker.js';
import {buildStandInImage} from '../../support/stand-in-image.js';
import {privateEngineForFile, shown} from './support/docker-e2e.js';
import {deployPortainer, type PortainerImages} from './support/portainer-deploy.js';

let images: PortainerImages;

const setup = privateEngineForFile('renew', async e2e => {
	const [server, agent] = await Promise.all([buildStandInImage(e2e.engine.env, 'portainer-server'), buildStandInImage(e2e.engine.env, 'portainer-agent')]);
	images = {server, agent};
});

async function fingerprint(file: string): Promise<string> {
	return new X509Certificate(await readFile(file)).fingerprint256;
}

async function publicKeyOf(file: string): Promise<string> {
	return createPublicKey(createPrivateKey(await readFile(file))).export({type: 'spki', format: 'pem'}).toString();
}

/** The probe names the certificate Portainer presented: after a renewal it must be the new one. */
function servedFingerprint(stdout: string): string | undefined {
	return /server certificate SHA-256 ([0-9A-F:]{95})/.exec(stdout)?.[1];
}

test.serial('docker: renew issues new leaves and keys from the same CA, re-creates the container, and the probe sees the new server certificate', async t => {
	const {wizard} = setup();
	const {out, env, result: deployed} = await deployPortainer(setup(), images, 'docker', 'docker');
	t.is(deployed.exitCode, 0, shown(deployed));
	const certs = join(out, 'certs');
	const before = {ca: await fingerprint(join(certs, 'ca.crt')), server: await fingerprint(join(certs, 'server.crt')), key: await publicKeyOf(join(certs, 'server.key'))};
	t.is(servedFingerprint(deployed.stdout), before.server);

	const dryRun = await wizard(['renew', '--dry-run'], env);
	t.is(dryRun.exitCode, 0, shown(dryRun));
	t.regex(dryRun.stdout, /Re-issue the server, agent certificates from the same CA, with new keys/);
	t.regex(dryRun.stdout, /\$ docker rm -f portainer/);
	t.is(await fingerprint(join(certs, 'server.crt')), before.server, 'a dry run changes nothing');

	const renewed = await wizard(['renew', '--yes'], env);
	t.is(renewed.exitCode, 0, shown(renewed));
	const after = {ca: await fingerprint(join(certs, 'ca.crt')), server: await fingerprint(join(certs, 'server.crt')), key: await publicKeyOf(join(certs, 'server.key'))};
	t.is(after.ca, before.ca, 'the same CA');
	t.not(after.server, before.server);
	t.not(after.key, before.key, 'a new key');
	t.true(new X509Certificate(await readFile(join(certs, 'server.crt'))).checkIssued(new X509Certificate(await readFile(join(certs, 'ca.crt')))));
	t.is(servedFingerprint(renewed.stdout), after.server, 'the re-created container serves the renewed certificate');

	const status = await wizard(['status'], env);
	t.is(status.exitCode, 0, shown(status));
	t.true(status.stdout.includes(`SHA-256 ${after.server}`));
	t.regex(status.stdout, /container portainer:\/certs\/mtlsserver.crt: match/);

	const reused = await wizard(['renew', '--reuse-keys', '--yes'], env);
	t.is(reused.exitCode, 0, shown(reused));
	t.is(await publicKeyOf(join(certs, 'server.key')), after.key, '--reuse-keys keeps the key');
	t.not(await fingerprint(join(certs, 'server.crt')), after.server, 'and issues a new certificate for it');
});

/** The certificate the server on the port presents, read over a handshake from inside the engine's namespace. */
async function servedOn(netns: string, port: number, client: {cert: string; key: string; ca: string}): Promise<string> {
	const script = `const tls = require('node:tls'); const fs = require('node:fs');
const socket = tls.connect({host: '127.0.0.1', port: ${port}, servername: 'portainer.test', ca: fs.readFileSync(${JSON.stringify(client.ca)}), cert: fs.readFileSync(${JSON.stringify(client.cert)}), key: fs.readFileSync(${JSON.stringify(client.key)})}, () => { process.stdout.write(socket.getPeerCertificate().fingerprint256); socket.destroy(); });
socket.on('error', error => { console.error(error.message); process.exit(1); });`;
	const [file, args] = inNamespace(netns, process.execPath, ['-e', script]);
	// A container just re-created (apply.sh ends with its docker run) may not listen yet: refused connections are
	// tried again until it does. The deadline only turns a server that never listens into a readable failure.
	const deadline = Date.now() + 60_000;
	for (;;) {
		const result = await runCommand(file, args);
		if (result.exitCode === 0) return result.stdout;
		if (!result.stderr.includes('ECONNREFUSED') || Date.now() > deadline) throw new Error(`handshake with 127.0.0.1:${port}: ${result.stderr}`);
		await new Promise(resolve => {
			setTimeout(resolve, 100);
		});
	}
}

test.serial('docker: a renew --reuse-keys --export bundle, moved elsewhere with the deployment\'s directory gone, re-creates Portainer with the renewed certificate for the same key', async t => {
	const e2e = setup();
	const port = await freePort();
	const {out, env, result: deployed} = await deployPortainer(e2e, images, 'docker', 'exported', [], {port});
	t.is(deployed.exitCode, 0, shown(deployed));
	const key = await publicKeyOf(join(out, 'certs', 'server.key'));
	const written = join(e2e.work, 'renewal-bundle');
	const exported = await e2e.wizard(['renew', '--reuse-keys', '--export', written], env);
	t.is(exported.exitCode, 0, shown(exported));

	// Moved to another place, and the deployment's own directory out of the way: the bundle alone must do.
	const moved = join(e2e.work, 'elsewhere', 'bundle');
	await mkdir(join(e2e.work, 'elsewhere'));
	await rename(written, moved);
	await rename(out, `${out}-moved-away`);
	const [file, args] = inNamespace(e2e.engine.netns, '/bin/bash', [join(moved, 'apply.sh')]);
	const applied = await runCommand(file, args, {env: e2e.engine.env, timeoutMs: 240_000});
	t.is(applied.exitCode, 0, `${applied.stdout}\n${applied.stderr}`);

	const bundle = (name: string) => join(moved, 'certs', name);
	t.is(await publicKeyOf(bundle('server.key')), key, 'the deployed key, signed again');
	const served = await servedOn(e2e.engine.netns, port, {ca: bundle('ca.crt'), cert: bundle('agent.crt'), key: bundle('agent.key')});
	t.is(served, await fingerprint(bundle('server.crt')), 'the re-created container serves the renewed certificate from the moved bundle');
});

test.serial('docker: a renewal killed before the container is re-created resumes as a renewal and ends confirmed', async t => {
	const {engine, wizard} = setup();
	const {out, env, result: deployed} = await deployPortainer(setup(), images, 'docker', 'killed');
	t.is(deployed.exitCode, 0, shown(deployed));
	const cli = spawnCli(['renew', '--yes'], {...env, MTLS_WIZARD_TEST_PAUSE_BEFORE: 'run-portainer'}, undefined, engine.netns);
	await cli.waitForLine(/test pause before step run-portainer/);
	cli.child.kill('SIGKILL');
	await cli.exited;
	const renewedCert = await fingerprint(join(out, 'certs', 'server.crt'));
	const sessions = await readSessions(env['MTLS_WIZARD_HOME']!);
	const killed = sessions.find(session => session.stepOrder.includes('renew-certificates'));
	t.is(killed?.steps['renew-certificates']?.state, 'done');

	const resumed = await wizard(['resume'], env);
	t.is(resumed.exitCode, 0, shown(resumed));
	t.regex(resumed.stdout, new RegExp(`session ${killed!.id}, resuming at step`));
	t.is(await fingerprint(join(out, 'certs', 'server.crt')), renewedCert, 'resume does not issue a third time');
	t.is(servedFingerprint(resumed.stdout), renewedCert);
});

test.serial('swarm: renew creates versioned secrets and swaps them into the service with docker service update; the probe sees the new certificate', async t => {
	const {engine, wizard} = setup();
	const {out, env, result: deployed} = await deployPortainer(setup(), images, 'swarm', 'swarm');
	t.is(deployed.exitCode, 0, shown(deployed));

	const renewed = await wizard(['renew', '--yes'], env);
	t.is(renewed.exitCode, 0, shown(renewed));
	const server = await fingerprint(join(out, 'certs', 'server.crt'));
	t.is(servedFingerprint(renewed.stdout), server, 'the service serves the renewed certificate');
	const mounted = JSON.parse(await docker(engine.env, ['service', 'inspect', '--format', '{{json .Spec.TaskTemplate.ContainerSpec.Secrets}}', 'portainer'])) as Array<{SecretName: string; File: {Name: string}}>;
	const byFile = Object.fromEntries(mounted.map(secret => [secret.File.Name, secret.SecretName]));
	t.is(byFile['portainer.mtlscacert'], 'portainer.mtlscacert', 'the CA is unchanged');
	t.regex(byFile['portainer.mtlscert'] ?? '', /^portainer\.mtlscert\.\d{8}T\d{6}$/);
	t.regex(byFile['portainer.mtlskey'] ?? '', /^portainer\.mtlskey\.\d{8}T\d{6}$/);
	const label = await docker(engine.env, ['secret', 'inspect', '--format', '{{index .Spec.Labels "mtls-wizard.sha256"}}', byFile['portainer.mtlscert']!]);
	t.is(label.trim(), server);

	const status = await wizard(['status'], env);
	t.is(status.exitCode, 0, shown(status));
	t.true(status.stdout.includes(`docker secret ${byFile['portainer.mtlscert']!}: match`));
});
