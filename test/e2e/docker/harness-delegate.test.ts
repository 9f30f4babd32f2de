import {X509Certificate} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {docker, freePort} from '../../support/private-docker.js';
import {buildStandInImage} from '../../support/stand-in-image.js';
import {makeTestPki, type TestPki} from '../../support/stand-ins/openssl-pki.js';
import {stepsNamed} from '../../support/run-cli.js';
import {startStandIn, type RunningStandIn} from '../../support/stand-ins/run-stand-in.js';
import {containerNames, inspectContainer, privateEngineForFile, shown, waitForLog} from './support/docker-e2e.js';

let managerPki: TestPki;
/** The delegate stand-in image with the manager's CA in its trust store (see the before hook). */
let delegateImage: string;

const setup = privateEngineForFile('harness', async e2e => {
	const env = e2e.engine.env;
	managerPki = await makeTestPki(join(e2e.work, 'manager-pki'));
	/*
	 * Harness runs the real manager endpoint with a certificate from a public CA, which the delegate image trusts out
	 * of the box; the recipe rightly has no trust answer. The local manager stand-in has a test CA instead, so the
	 * test bakes that CA into a derived image's trust store (STAND_IN_EXTRA_CA), playing the public CA's part.
	 */
	const base = await buildStandInImage(env, 'harness-delegate');
	const builder = `harness-trust-${process.pid}`;
	await docker(env, ['create', '--name', builder, base]);
	try {
		await docker(env, ['cp', managerPki.ca.cert, `${builder}:/etc/manager-public-ca.pem`]);
		delegateImage = 'stand-in/harness-delegate-public-ca:test';
		await docker(env, ['commit', '--change', 'ENV STAND_IN_EXTRA_CA=/etc/manager-public-ca.pem', builder, delegateImage]);
	} finally {
		await docker(env, ['rm', '-f', builder]);
	}
});

const delegateToken = 'e2e-delegate-token-not-a-real-one';
/** The manager stand-in runs on the Docker host; harness.test resolves to it inside the engine's namespace. */
const managerEndpoint = (port: number) => `https://harness.test:${port}`;

/** "Harness" trusting the given CA: a manager stand-in whose mTLS endpoint requires a client certificate signed by it (STRICT). */
async function strictManager(t: ExecutionContext, clientCa: string): Promise<{port: number; manager: RunningStandIn}> {
	const port = await freePort();
	const manager = startStandIn('harness-manager', {
		netns: setup().engine.netns,
		args: ['--cert', managerPki.server.cert, '--key', managerPki.server.key, '--client-ca', clientCa, '--port', String(port), '--mode', 'STRICT'],
	});
	t.teardown(async () => manager.stop());
	await manager.waitFor(/listening on https:\/\/[\d.]+:\d+ \(mTLS mode STRICT\)/);
	return {port, manager};
}

/** `run harness-delegate --target docker` into `out` against the manager on `port`, with the given --set answers too. */
function dockerRunArgs(out: string, port: number, sets: string[]): string[] {
	const answers = [...sets, `managerEndpoint=${managerEndpoint(port)}`, 'accountId=e2e-account', `delegateImage=${delegateImage}`];
	return ['run', 'harness-delegate', '--target', 'docker', '--out', out, ...answers.flatMap(answer => ['--set', answer]), '--yes'];
}

test.serial('docker: the delegate presents its client certificate to a manager that requires it, after the CA went to Harness', async t => {
	const {engine, work, cliEnv, wizard} = setup();
	const out = join(work, 'delegate');
	const env = cliEnv('delegate', {MTLS_WIZARD_ANSWER_DELEGATE_TOKEN: delegateToken});

	// The order a user follows: issue the CA first and send ca.crt to Harness Support, then deploy the delegate.
	const bundle = await wizard(['run', 'harness-delegate', '--target', 'bundle', '--out', out, '--set', 'clientCn=e2e-delegate', '--yes'], env);
	t.is(bundle.exitCode, 0, shown(bundle));
	const caFingerprint = new X509Certificate(await readFile(join(out, 'certs', 'ca.crt'))).fingerprint256;

	// "Harness" now trusts that CA: its mTLS endpoint requires a client certificate signed by it (STRICT).
	const {port, manager} = await strictManager(t, join(out, 'certs', 'ca.crt'));

	const result = await wizard(dockerRunArgs(out, port, ['clientCn=e2e-delegate', 'delegateName=e2e-delegate']), env);
	t.is(result.exitCode, 0, shown(result));
	t.regex(result.stdout, /confirmed: The delegate started with both client certificate paths set \(this does not prove Harness accepted the handshake/);
	t.false(shown(result).includes(delegateToken), 'the delegate token is never printed');
	t.is(new X509Certificate(await readFile(join(out, 'certs', 'ca.crt'))).fingerprint256, caFingerprint, 'the CA Harness holds was reused, not replaced');

	t.deepEqual(await containerNames(engine.env), ['e2e-delegate']);
	const delegate = await inspectContainer(engine.env, 'e2e-delegate');
	t.true(delegate.State.Running);
	// The vendor's docker run: the default bridge, as root; the delegate reaches the manager through its DNS name.
	t.is(delegate.HostConfig.NetworkMode, 'default');
	t.is(delegate.Config.User, 'root');
	for (const variable of [
		'DELEGATE_CLIENT_CERTIFICATE_PATH=/etc/mtls/client.crt',
		'DELEGATE_CLIENT_CERTIFICATE_KEY_PATH=/etc/mtls/client.key',
		`MANAGER_HOST_AND_PORT=${managerEndpoint(port)}`,
		`TI_SERVICE_URL=${managerEndpoint(port)}/ti-service/`,
		'GRPC_AUTHORITY_MODIFICATION_DISABLED=true',
		`DELEGATE_TOKEN=${delegateToken}`,
	]) {
		t.true(delegate.Config.Env.includes(variable), variable);
	}

	t.like(delegate.Mounts.find(m => m.Destination === '/etc/mtls/client.key'), {Source: join(out, 'certs', 'client.key'), RW: false});

	// The mTLS line, then the registration it should be paired with: the manager saw the wizard's client certificate.
	const log = await waitForLog(engine.env, 'e2e-delegate', /Delegate registered with id|Failed to register delegate/);
	t.regex(log, /INFO .*DelegateAgentModule.* - Delegate is running with mTLS enabled\./);
	t.regex(log, /Delegate registered with id stand-in-1/);
	await manager.waitFor(/registered delegate e2e-delegate \(stand-in-1\) for account e2e-account with client certificate e2e-delegate/);
});

test.serial('docker fleet: three delegates, each its own container presenting its own client certificate, each registered and confirmed', async t => {
	const {engine, work, cliEnv, wizard} = setup();
	const out = join(work, 'fleet');
	const env = cliEnv('fleet', {MTLS_WIZARD_ANSWER_DELEGATE_TOKEN: delegateToken});
	const regions = ['eu', 'us', 'ap'];
	const bundle = await wizard(['run', 'harness-delegate', '--target', 'bundle', '--out', out, '--set', `agents=${regions.join(',')}`, '--yes'], env);
	t.is(bundle.exitCode, 0, shown(bundle));

	const {port, manager} = await strictManager(t, join(out, 'certs', 'ca.crt'));

	const result = await wizard(dockerRunArgs(out, port, [`agents=${regions.join(',')}`, 'delegateName=fleet']), env);
	t.is(result.exitCode, 0, shown(result));
	const confirmations = stepsNamed(result.stdout, 'confirm-delegate-');
	t.deepEqual(confirmations.map(([region]) => region), regions);
	for (const [, output] of confirmations) t.regex(output, /done \([^)]*\): confirmed: The delegate started with both client certificate paths set/);
	t.deepEqual(await containerNames(engine.env), ['fleet-ap', 'fleet-eu', 'fleet-us']);
	for (const region of regions) {
		const delegate = await inspectContainer(engine.env, `fleet-${region}`);
		t.true(delegate.Config.Env.includes(`DELEGATE_NAME=fleet-${region}`), region);
		t.like(delegate.Mounts.find(m => m.Destination === '/etc/mtls/client.crt'), {Source: join(out, 'agents', region, 'client.crt'), RW: false});
		// The manager names the client certificate each delegate registered with: the delegate's own.
		await manager.waitFor(new RegExp(`registered delegate fleet-${region} \\(stand-in-\\d+\\) for account e2e-account with client certificate ${region} \\(SHA-256 [0-9A-F:]{95}\\)$`, 'm'));
	}
});
