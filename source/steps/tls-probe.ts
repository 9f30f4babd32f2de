import {createPrivateKey} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {request} from 'node:https';
import {connect, type TLSSocket} from 'node:tls';
import {setTimeout as delay} from 'node:timers/promises';
import {InterruptedError, NotConfirmedError, StepFailedError} from '../errors.js';
import type {FailurePattern, TlsProbeStep} from '../plan/types.js';
import {containerAddress, containerNetworksCommand} from './container-address.js';
import {secretResolver} from './secret-values.js';
import type {StepContext, StepOutcome, StepRunner} from './types.js';
import {waitDeadline} from './wait-deadline.js';

/*
 * In TLS 1.3 the client finishes its handshake before the server has looked at the client certificate; a
 * server that refuses it says so with an alert right after. So a bare handshake counts as accepted only once
 * the server sends a session ticket (it does so after checking the certificate) or stays quiet this long.
 */
const settleMs = 1000;
const retryDelayMs = 1000;

/** Errors that mean "nothing listening yet": the workload may still be starting, so try again until the timeout. */
const notListeningYet = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * A reset before the server said anything in TLS: Docker's userland proxy (and load balancers) accept the
 * connection for a published port and drop it while the container behind it is not listening yet.
 */
function resetBeforeHandshake(attempt: Attempt & {accepted: false}): boolean {
	return attempt.error.code === 'ECONNRESET' && !attempt.serverVerified;
}

/** passphrase decrypts an encrypted client key; it goes to Node's TLS only, never into output or errors. */
type Credentials = {ca: string; cert?: string; key?: string; passphrase?: string};

/** The probe with the address it connects to, after a container's address was looked up. */
type Resolved = TlsProbeStep & {host: string};

/** serverVerified: our side checked the server certificate and name before the server turned us away. */
/** serverCertificate: the SHA-256 fingerprint of the certificate the server presented (status and renew compare it). */
type Attempt = {accepted: true; detail: string; serverCertificate?: string} | {accepted: false; error: NodeJS.ErrnoException; serverVerified: boolean};

function presented(socket: TLSSocket | undefined): {serverCertificate?: string} {
	const fingerprint = socket?.getPeerCertificate?.()?.fingerprint256;
	return fingerprint ? {serverCertificate: fingerprint} : {};
}

/** The detail's last words: which certificate the server presented, so a renewal can be seen to have taken. */
function servedBy(attempt: Attempt): string {
	return attempt.accepted && attempt.serverCertificate ? `; server certificate SHA-256 ${attempt.serverCertificate}` : '';
}

function describe(error: NodeJS.ErrnoException): string {
	return error.code && !error.message.includes(error.code) ? `${error.code}: ${error.message}` : error.message;
}

function bareHandshake(step: Resolved, credentials: Credentials, signal: AbortSignal): Promise<Attempt> {
	return new Promise(resolve => {
		let settled = false;
		let socket: TLSSocket | undefined;
		let quiet: NodeJS.Timeout | undefined;
		let serverVerified = false;
		const finish = (attempt: Attempt) => {
			if (settled) return;
			settled = true;
			clearTimeout(quiet);
			signal.removeEventListener('abort', onAbort);
			socket?.destroy();
			resolve(attempt);
		};

		// A TLS alert from the server comes after our side accepted its certificate: had we rejected it, the error would name our check.
		const refused = (error: NodeJS.ErrnoException) => finish({accepted: false, error, serverVerified: serverVerified || /ALERT/.test(error.code ?? '')});
		const onAbort = () => refused(Object.assign(new Error('stopped'), {code: 'ABORT_ERR'}));
		signal.addEventListener('abort', onAbort, {once: true});
		socket = connect({host: step.host, port: step.port, servername: step.serverName, ...credentials, rejectUnauthorized: true});
		socket.on('error', refused);
		socket.on('close', () => {
			const message = serverVerified
				? 'the server closed the connection right after the handshake: it refused the client certificate'
				: 'the server closed the connection during the handshake';
			refused(Object.assign(new Error(message), {code: 'ECONNRESET'}));
		});
		const accepted = (detail: string): Attempt => ({accepted: true, detail, ...presented(socket)});
		socket.on('session', () => finish(accepted(socket?.getProtocol() ?? 'TLS')));
		socket.on('secureConnect', () => {
			serverVerified = true;
			const protocol = socket?.getProtocol() ?? 'TLS';
			// Before TLS 1.3 a refused client certificate fails the handshake itself.
			if (protocol !== 'TLSv1.3') finish(accepted(protocol));
			else quiet = setTimeout(() => finish(accepted(protocol)), settleMs);
		});
	});
}

function httpGet(step: Resolved, path: string, credentials: Credentials, signal: AbortSignal): Promise<Attempt> {
	return new Promise(resolve => {
		const outgoing = request(
			{host: step.host, port: step.port, servername: step.serverName, path, method: 'GET', agent: false, signal, ...credentials, rejectUnauthorized: true},
			response => {
				const protocol = (response.socket as TLSSocket).getProtocol?.() ?? 'TLS';
				response.resume();
				const status = response.statusCode ?? 0;
				if (status === 401 || status === 403 || status >= 500) {
					resolve({accepted: false, error: Object.assign(new Error(`GET ${path} answered HTTP ${status}`), {code: `HTTP_${status}`}), serverVerified: true});
				} else {
					resolve({accepted: true, detail: `${protocol}, GET ${path} answered HTTP ${status}`, ...presented(response.socket as TLSSocket)});
				}

				outgoing.destroy();
			},
		);
		// A server that drops the connection after a handshake in which we sent a certificate has refused that certificate
		// (a server that only checks a certificate if given, like Portainer on 9443, may close without an alert).
		let handshakeDone = false;
		outgoing.on('socket', socket => socket.once('secureConnect', () => (handshakeDone = true)));
		outgoing.on('error', (error: NodeJS.ErrnoException) => {
			if (handshakeDone && credentials.cert && error.code === 'ECONNRESET') {
				const message = 'the server closed the connection right after the handshake: it refused the client certificate';
				resolve({accepted: false, error: Object.assign(new Error(message), {code: 'ECONNRESET'}), serverVerified: true});
				return;
			}

			resolve({accepted: false, error, serverVerified: false});
		});
		outgoing.end();
	});
}

function attempt(step: Resolved, credentials: Credentials, signal: AbortSignal): Promise<Attempt> {
	return step.httpPath ? httpGet(step, step.httpPath, credentials, signal) : bareHandshake(step, credentials, signal);
}

/**
 * Repeats the attempt while nothing listens yet (the workload may still be starting), until it is accepted,
 * fails otherwise, or the timeout hits. An attempt cut short by the timeout keeps the error seen before it.
 */
async function retryWhileNotListening(run: () => Promise<Attempt>, interrupt: AbortSignal, timeout: AbortSignal): Promise<Attempt> {
	let last: Attempt | undefined;
	for (;;) {
		const result = await run();
		if (interrupt.aborted) throw new InterruptedError();
		if (!last || result.accepted || result.error.code !== 'ABORT_ERR') last = result;
		if (last.accepted || !(notListeningYet.has(last.error.code ?? '') || resetBeforeHandshake(last)) || timeout.aborted) return last;
		await delay(retryDelayMs, undefined, {signal: AbortSignal.any([interrupt, timeout])}).catch(() => undefined);
	}
}

function hintFor(message: string, hints: FailurePattern[]): string | undefined {
	return hints.find(hint => new RegExp(hint.pattern, 'i').test(message))?.hint;
}

async function readPem(step: TlsProbeStep, path: string, what: string): Promise<string> {
	try {
		return await readFile(path, 'utf8');
	} catch (error) {
		throw new StepFailedError(`${step.id}: cannot read the ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, step.id);
	}
}

/** Node's TLS throws on a key it cannot open; checked once here so that the failure names the file and the answer. */
function openKey(step: TlsProbeStep, key: string, passphrase: string | undefined): void {
	try {
		createPrivateKey({key, format: 'pem', ...(passphrase === undefined ? {} : {passphrase})});
	} catch (error) {
		const reason = (error as {reason?: string}).reason ?? (error as NodeJS.ErrnoException).code ?? 'unreadable';
		throw new StepFailedError(
			`${step.id}: cannot open the client key ${step.clientKeyFile} (${reason})`,
			step.id,
			step.keyPassphrase
				? `Check the secret answer ${step.keyPassphrase.secret}: it must be the passphrase the key was encrypted with.`
				: 'The key is encrypted or not a PEM private key; an encrypted key needs its passphrase answer (keyPassphrase).',
		);
	}
}

/**
 * Proves mutual TLS from outside the workload: a client holding the issued client certificate gets in
 * (and, with httpPath, gets an HTTP answer), and a client without a certificate is turned away.
 */
export async function probeTls(probe: TlsProbeStep, context: StepContext): Promise<StepOutcome> {
	const ca = await readPem(probe, probe.caFile, 'CA certificate');
	const step = await resolveHost(probe, context);
	const address = `${step.host}:${step.port}`;
	if (step.presentClientCertificate === false) return probeServerOnly(step, ca, context);
	const cert = await readPem(step, step.clientCertFile, 'client certificate');
	const key = await readPem(step, step.clientKeyFile, 'client key');
	const passphrase = step.keyPassphrase ? secretResolver(context.secrets, step.id)(step.keyPassphrase) : undefined;
	openKey(step, key, passphrase);
	const client = {cert, key, ...(passphrase === undefined ? {} : {passphrase})};
	const timeout = waitDeadline(context, step.timeoutSeconds);
	const signal = AbortSignal.any([context.signal, timeout]);
	context.output({line: `probing ${address} (server name ${step.serverName}) with the client certificate`, stream: 'info'});

	const withCertificate = await retryWhileNotListening(async () => attempt(step, {ca, ...client}, signal), context.signal, timeout);
	if (!withCertificate.accepted) {
		const message = describe(withCertificate.error);
		if (timeout.aborted || notListeningYet.has(withCertificate.error.code ?? '')) {
			throw new NotConfirmedError(
				`nothing answered mutual TLS on ${address} within ${step.timeoutSeconds}s (last error: ${message})`,
				[],
				hintFor(message, step.failureHints),
			);
		}

		throw new StepFailedError(
			`the mutual-TLS probe of ${address} with the client certificate failed: ${message}`,
			step.id,
			hintFor(message, step.failureHints) ?? 'Check that the server uses the certificate issued for this name and trusts this CA.',
		);
	}

	context.output({line: `accepted with the client certificate (${withCertificate.detail})`, stream: 'info'});
	if (step.clientCertificateOptional) return refuseStranger(step, ca, key, passphrase, withCertificate.detail, context, servedBy(withCertificate));
	const withoutCertificate = await attempt(step, {ca}, context.signal);
	if (context.signal.aborted) throw new InterruptedError();
	if (withoutCertificate.accepted) {
		throw new StepFailedError(
			`${address} accepted a client without a certificate: mutual TLS is not enforced (${withoutCertificate.detail})`,
			step.id,
			hintFor('client certificate not required', step.failureHints) ??
				'The server must require and verify client certificates; check that its client CA setting is applied.',
		);
	}

	context.output({line: `refused without a client certificate (${describe(withoutCertificate.error)})`, stream: 'info'});
	return {detail: `mutual TLS proved on ${address}: client certificate accepted (${withCertificate.detail}), no certificate refused${servedBy(withCertificate)}`};
}

/**
 * For a server that lets clients without a certificate in but verifies any certificate it is given: a client
 * certificate from a throwaway CA must be turned away, or the server does not check client certificates at all.
 */
async function refuseStranger(step: Resolved, ca: string, key: string, passphrase: string | undefined, accepted: string, context: StepContext, served: string): Promise<StepOutcome> {
	const address = `${step.host}:${step.port}`;
	// Loaded here only: node-forge (for the throwaway CA) is needed by this one kind of probe.
	const {issueStrangerClient} = await import('../pki/stranger-client.js');
	const stranger = await issueStrangerClient('mtls-wizard probe throwaway CA', key, passphrase);
	const result = await attempt(step, {ca, cert: stranger.certificatePem, key: stranger.privateKeyPem}, context.signal);
	if (context.signal.aborted) throw new InterruptedError();
	if (result.accepted) {
		throw new StepFailedError(
			`${address} accepted a client certificate from a CA it should not trust: client certificates are not verified (${result.detail})`,
			step.id,
			hintFor('client certificate not verified', step.failureHints) ?? 'The server must verify client certificates against the CA; check that its client CA setting is applied.',
		);
	}

	context.output({line: `refused with a certificate from another CA (${describe(result.error)})`, stream: 'info'});
	return {detail: `mutual TLS proved on ${address}: client certificate accepted (${accepted}), a certificate from another CA refused${served}`};
}

/**
 * For a server that trusts a client CA the wizard does not hold: prove what can be proved from here, that
 * the server presents a certificate for its name from the expected CA. Being refused afterwards is expected.
 */
async function probeServerOnly(step: Resolved, ca: string, context: StepContext): Promise<StepOutcome> {
	const address = `${step.host}:${step.port}`;
	const timeout = waitDeadline(context, step.timeoutSeconds);
	const signal = AbortSignal.any([context.signal, timeout]);
	context.output({line: `probing ${address} (server name ${step.serverName}): server certificate only`, stream: 'info'});
	const result = await retryWhileNotListening(async () => bareHandshake(step, {ca}, signal), context.signal, timeout);
	if (result.accepted || result.serverVerified) {
		return {detail: `server certificate for ${step.serverName} on ${address} proved (no client certificate presented)${result.accepted ? servedBy(result) : ''}`};
	}

	const message = describe(result.error);
	if (timeout.aborted || notListeningYet.has(result.error.code ?? '')) {
		throw new NotConfirmedError(`nothing answered TLS on ${address} within ${step.timeoutSeconds}s (last error: ${message})`, [], hintFor(message, step.failureHints));
	}

	throw new StepFailedError(
		`the server certificate of ${address} was not accepted: ${message}`,
		step.id,
		hintFor(message, step.failureHints) ?? 'Check that the server uses the certificate issued for this name.',
	);
}

/** A container on a user-defined network may publish no port: the probe then connects to its address there. */
async function resolveHost(step: TlsProbeStep, context: StepContext): Promise<Resolved> {
	if (step.host !== undefined) return step as Resolved;
	const {dockerContainer, network} = step.hostFrom;
	const host = await containerAddress(dockerContainer, network, step.id, context);
	context.output({line: `${dockerContainer} has the address ${host} on ${network}`, stream: 'info'});
	return {...step, host, hostFrom: undefined} as Resolved;
}

export const tlsProbeRunner: StepRunner<TlsProbeStep> = {
	kind: 'tls-probe',
	commands: step => (step.hostFrom ? [containerNetworksCommand(step.hostFrom.dockerContainer, step.hostFrom.network)] : []),
	run: probeTls,
};
