import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createServer, type TLSSocket} from 'node:tls';
import test from 'ava';
import {StepFailedError} from '../../source/errors.js';
import {issueCa} from '../../source/pki/issue-ca.js';
import {issueLeaf} from '../../source/pki/issue-leaf.js';
import type {TlsProbeStep} from '../../source/plan/types.js';
import {probeTls} from '../../source/steps/tls-probe.js';
import {recordingContext} from './support/step-context.js';

/*
 * clientCertificateOptional: a server that lets clients without a certificate in but verifies any certificate it is
 * given (Portainer on 9443). The probe proves the verification with a certificate from a throwaway CA built on the
 * client's own key, so these servers judge it by its issuer alone.
 */

type Pki = {dir: string; ca: string; serverCert: string; serverKey: string};
let pki: Pki;

test.before(async () => {
	const dir = await mkdtemp(join(tmpdir(), 'mtls-probe-stranger-'));
	const ca = await issueCa({commonName: 'Probe Test CA', days: 30, keySize: 2048});
	const server = await issueLeaf(ca, {role: 'server', commonName: 'portainer.local', dnsNames: ['portainer.local'], ipAddresses: [], days: 30, keySize: 2048});
	const client = await issueLeaf(ca, {role: 'client', commonName: 'agent', dnsNames: [], ipAddresses: [], days: 30, keySize: 2048});
	await writeFile(join(dir, 'ca.crt'), ca.certificatePem);
	await writeFile(join(dir, 'client.crt'), client.certificatePem);
	await writeFile(join(dir, 'client.key'), client.privateKeyPem, {mode: 0o600});
	pki = {dir, ca: ca.certificatePem, serverCert: server.certificatePem, serverKey: server.privateKeyPem};
});

test.after.always(async () => {
	await rm(pki.dir, {recursive: true, force: true});
});

function probeStep(port: number): TlsProbeStep {
	return {
		id: 'probe-portainer',
		title: 'Probe Portainer over TLS with the client certificate',
		kind: 'tls-probe',
		host: '127.0.0.1',
		port,
		serverName: 'portainer.local',
		caFile: join(pki.dir, 'ca.crt'),
		clientCertFile: join(pki.dir, 'client.crt'),
		clientKeyFile: join(pki.dir, 'client.key'),
		clientCertificateOptional: true,
		timeoutSeconds: 20,
		failureHints: [],
	};
}

/** Asks for a certificate without requiring one; `judge` decides what happens to a client that sent one. */
async function withOptionalCertServer(judge: (socket: TLSSocket) => boolean, run: (port: number) => Promise<void>): Promise<void> {
	const server = createServer({key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: true, rejectUnauthorized: false}, socket => {
		socket.on('error', () => undefined);
		const sent = Object.keys(socket.getPeerCertificate()).length > 0;
		if (sent && !judge(socket)) socket.destroy();
		else socket.write('welcome\n');
	});
	server.on('tlsClientError', () => undefined);
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	try {
		await run((server.address() as AddressInfo).port);
	} finally {
		await new Promise(resolve => server.close(resolve));
	}
}

test('a server that verifies a given certificate turns the throwaway CA away: proved', async t => {
	await withOptionalCertServer(
		socket => socket.authorized,
		async port => {
			const context = recordingContext();
			const outcome = await probeTls(probeStep(port), context);
			t.regex(outcome.detail ?? '', /client certificate accepted .*, a certificate from another CA refused/);
			t.true(context.lines.some(line => /refused with a certificate from another CA/.test(line.line)));
		},
	);
});

test('a server that lets any certificate in fails: client certificates are not verified', async t => {
	await withOptionalCertServer(
		() => true,
		async port => {
			const error = await t.throwsAsync(probeTls(probeStep(port), recordingContext()), {instanceOf: StepFailedError});
			t.regex(error.message, /accepted a client certificate from a CA it should not trust/);
		},
	);
});
