import {X509Certificate} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {setTimeout as sleep} from 'node:timers/promises';
import {docker, runCommand} from '../../support/private-docker.js';
import {buildStandInImage} from '../../support/stand-in-image.js';
import {makeTestPki, type TestPki} from '../../support/stand-ins/openssl-pki.js';
import {privateEngineForFile, shown} from './support/docker-e2e.js';
import {deployPortainer, type PortainerImages} from './support/portainer-deploy.js';

let images: PortainerImages;
let pki: TestPki;

const setup = privateEngineForFile('status', async e2e => {
	const [server, agent] = await Promise.all([buildStandInImage(e2e.engine.env, 'portainer-server'), buildStandInImage(e2e.engine.env, 'portainer-agent')]);
	images = {server, agent};
	pki = await makeTestPki(join(e2e.work, 'other-pki'));
});

type StatusJson = {
	session: string;
	healthy: boolean;
	certificates: Array<{id: string; disk: {sha256Fingerprint: string; daysLeft: number}; expiring: boolean; copies: Array<{where: string; state: string; note?: string; certificate?: {sha256Fingerprint: string}}>}>;
	confirmations: Array<{stepId: string; state: string; at?: string}>;
};

async function fingerprint(file: string): Promise<string> {
	return new X509Certificate(await readFile(file)).fingerprint256;
}

test.serial('docker: status reads each mounted certificate back with docker cp; a container re-created by hand with another CA is drift (exit 1)', async t => {
	const {engine, wizard} = setup();
	const {out, env, result: deployed} = await deployPortainer(setup(), images, 'docker', 'docker');
	t.is(deployed.exitCode, 0, shown(deployed));

	const status = await wizard(['status'], env);
	t.is(status.exitCode, 0, shown(status));
	const caFingerprint = await fingerprint(join(out, 'certs', 'ca.crt'));
	t.regex(status.stdout, new RegExp(`container portainer:/certs/mtlsca.crt: match`));
	t.regex(status.stdout, new RegExp(`container portainer:/certs/mtlsserver.crt: match`));
	t.true(status.stdout.includes(`SHA-256 ${caFingerprint}`));
	t.regex(status.stdout, /confirm-server-mtls: mutual TLS proved on 127\.0\.0\.1.* at \d{4}-\d\d-\d\dT/);
	t.regex(status.stdout, /none expires within 30 days/);
	t.false(/PRIVATE KEY/.test(shown(status)), 'no key material');

	const json = JSON.parse((await wizard(['status', '--json'], env)).stdout) as StatusJson;
	t.true(json.healthy);
	const ca = json.certificates.find(c => c.id === 'ca')!;
	t.is(ca.disk.sha256Fingerprint, caFingerprint);
	t.deepEqual(ca.copies.map(c => [c.where, c.state, c.certificate?.sha256Fingerprint]), [['container portainer:/certs/mtlsca.crt', 'match', caFingerprint]]);

	// By hand: the container replaced by one that mounts another CA under the same path.
	await docker(engine.env, ['rm', '-f', 'portainer']);
	await docker(engine.env, ['create', '--name', 'portainer', '-v', `${pki.otherCa.cert}:/certs/mtlsca.crt:ro`, images.server]);
	const drifted = await wizard(['status', json.session], env);
	t.is(drifted.exitCode, 1, shown(drifted));
	t.regex(drifted.stdout, /container portainer:\/certs\/mtlsca.crt: DRIFT \(another certificate than the session's copy\)/);
	t.true(drifted.stdout.includes(`SHA-256 ${await fingerprint(pki.otherCa.cert)}`), 'the drifted copy is described as it is');
	t.regex(drifted.stdout, /container portainer:\/certs\/mtlsserver.crt: MISSING/);
	t.regex(drifted.stdout, /deployed copies do not match the session's/);
});

test.serial('docker: a certificate that expires within --warn-days fails status (exit 1) and names the renew command; a shorter window passes', async t => {
	const {wizard} = setup();
	const {env, result: deployed} = await deployPortainer(setup(), images, 'docker', 'expiring', ['--set', 'days=10']);
	t.is(deployed.exitCode, 0, shown(deployed));
	const status = await wizard(['status'], env);
	t.is(status.exitCode, 1, shown(status));
	t.regex(status.stdout, /^server {2}EXPIRES WITHIN 30 DAYS$/m);
	t.regex(status.stdout, /server, agent expire within 30 days: renew with mtls-wizard renew \d{8}-\d{6}-[0-9a-f]{4}/);
	t.regex(status.stdout, /container portainer:\/certs\/mtlsserver.crt: match/, 'expiring, not drifted');
	const narrow = await wizard(['status', '--warn-days', '5'], env);
	t.is(narrow.exitCode, 0, shown(narrow));
});

test.serial('swarm: docker secrets are compared by the fingerprint label the wizard set; one re-created by hand without it is drift', async t => {
	const {engine, wizard} = setup();
	const {out, env, result: deployed} = await deployPortainer(setup(), images, 'swarm', 'swarm');
	t.is(deployed.exitCode, 0, shown(deployed));
	const labels = await docker(engine.env, ['secret', 'inspect', '--format', '{{index .Spec.Labels "mtls-wizard.sha256"}}', 'portainer.mtlscacert']);
	t.is(labels.trim(), await fingerprint(join(out, 'certs', 'ca.crt')));

	const status = await wizard(['status'], env);
	t.is(status.exitCode, 0, shown(status));
	t.regex(status.stdout, /docker secret portainer.mtlscacert: match \(swarm never hands back a secret's data: compared by its label mtls-wizard.sha256=[0-9A-F:]{95}\)/);
	t.regex(status.stdout, /docker secret portainer.mtlscert: match/);

	await docker(engine.env, ['service', 'rm', 'portainer']);
	// The service's task goes away asynchronously; the secret can be removed once it has.
	await waitUntilRemoved(engine.env, 'portainer.mtlscacert');
	await docker(engine.env, ['secret', 'create', 'portainer.mtlscacert', pki.otherCa.cert]);
	const drifted = await wizard(['status'], env);
	t.is(drifted.exitCode, 1, shown(drifted));
	t.regex(drifted.stdout, /docker secret portainer.mtlscacert: DRIFT \(.*it has no mtls-wizard.sha256 label/);
});

/** Not a timing assertion: the deadline only turns a secret that never frees up into a readable failure. */
async function waitUntilRemoved(env: NodeJS.ProcessEnv, secret: string): Promise<void> {
	const deadline = Date.now() + 60_000;
	let said = '';
	while (Date.now() < deadline) {
		const result = await runCommand('docker', ['secret', 'rm', secret], {env});
		if (result.exitCode === 0) return;
		said = result.stderr;
		await sleep(250);
	}

	throw new Error(`docker secret rm ${secret} kept failing: ${said}`);
}

test.serial('status: a --warn-days that is not a number, and an unknown session, are bad input (exit 2, one line)', async t => {
	const {cliEnv, wizard} = setup();
	const env = cliEnv('bad');
	const days = await wizard(['status', '--warn-days', 'soon'], env);
	t.is(days.exitCode, 2, shown(days));
	t.is(days.stderr, 'mtls-wizard: --warn-days: "soon" is not a whole number of days. Give a number such as --warn-days 30\n');
	const none = await wizard(['status'], env);
	t.is(none.exitCode, 2, shown(none));
	t.regex(none.stderr, /^mtls-wizard: no finished session to report on\. Deploy with: mtls-wizard run/);
	const unknown = await wizard(['status', '20260101-000000-abcd'], env);
	t.is(unknown.exitCode, 2, shown(unknown));
	t.regex(unknown.stderr, /no saved session "20260101-000000-abcd"/);
});
