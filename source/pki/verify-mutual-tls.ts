import {isIP, type AddressInfo} from 'node:net';
import {X509Certificate} from 'node:crypto';
import tls from 'node:tls';
import {StepFailedError} from '../errors.js';
import {handshakeCases} from './handshake-cases.js';
import {issueStrangerClient} from './stranger-client.js';

export type HandshakeInput = {
	caPem: string;
	serverCertPem: string;
	serverKeyPem: string;
	clientCertPem: string;
	clientKeyPem: string;
	serverName: string;
	clientKeyPassphrase?: string;
};

export type Outcome = 'accepted' | 'refused';

/** Why a connection was refused, as far as the two ends tell. */
export type RefusalCause = 'no-client-certificate' | 'untrusted-client-certificate' | 'client-certificate-purpose' | 'wrong-server-name' | 'server-certificate' | 'other';

/** passed: accepted when it should be, or refused for the cause the case is about (not for some other fault). */
export type HandshakeCase = {name: string; expected: Outcome; outcome: Outcome; reason: string; cause?: RefusalCause; passed: boolean};

export type HandshakeReport = {ok: boolean; serverName: string; cases: HandshakeCase[]};

type ClientCredentials = {cert: string; key: string; passphrase?: string};

type ServerVerdict = {authorized: boolean; reason: string; cause?: RefusalCause};

const accepted = 'mtls-wizard: client verified\n';
const caseTimeoutMs = 10_000;

const untrustedCodes = new Set([
	'UNABLE_TO_GET_ISSUER_CERT',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'CERT_SIGNATURE_FAILURE',
]);

const certificateProblems: Record<string, string> = {
	UNABLE_TO_GET_ISSUER_CERT: 'is not signed by the trusted CA',
	UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'is not signed by the trusted CA',
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'is not signed by the trusted CA',
	SELF_SIGNED_CERT_IN_CHAIN: 'is not signed by the trusted CA',
	DEPTH_ZERO_SELF_SIGNED_CERT: 'is self-signed, not signed by the trusted CA',
	CERT_SIGNATURE_FAILURE: 'has a signature that does not verify',
	CERT_HAS_EXPIRED: 'has expired',
	CERT_NOT_YET_VALID: 'is not valid yet',
	ERR_TLS_CERT_ALTNAME_INVALID: 'does not cover the server name',
	PERMITTED_SUBTREE_VIOLATION: "has a name its CA's name constraints do not permit",
	EXCLUDED_VIOLATION: "has a name its CA's name constraints exclude",
	INVALID_CA: 'was signed by a certificate that may not act as a CA',
	PATH_LENGTH_EXCEEDED: "has more CAs above it than a CA's pathLenConstraint allows",
	KEYUSAGE_NO_CERTSIGN: 'was signed by a CA whose keyUsage lacks keyCertSign',
};

/** Node has no code for some OpenSSL verification errors and says UNSPECIFIED; their text still tells them apart. */
const codesByMessage: Record<string, string> = {
	'permitted subtree violation': 'PERMITTED_SUBTREE_VIOLATION',
	'excluded subtree violation': 'EXCLUDED_VIOLATION',
	'invalid CA certificate': 'INVALID_CA',
	'path length constraint exceeded': 'PATH_LENGTH_EXCEEDED',
	'key usage does not include certificate signing': 'KEYUSAGE_NO_CERTSIGN',
};

function verificationCode(code: string | undefined, message: string | undefined): string | undefined {
	return (message === undefined ? undefined : codesByMessage[message]) ?? code;
}

function describe(code: string | undefined, subject: 'client' | 'server', fallback: string): string {
	if (code === 'INVALID_PURPOSE') {
		// OpenSSL reports a keyUsage without digitalSignature and an EKU without the purpose alike.
		const eku = subject === 'client' ? 'clientAuth' : 'serverAuth';
		return `the ${subject} certificate is not allowed for this use: its extendedKeyUsage lacks ${eku} or its keyUsage lacks digitalSignature (${code})`;
	}

	const problem = code ? certificateProblems[code] : undefined;
	return problem ? `the ${subject} certificate ${problem} (${code})` : fallback;
}

/** A name that the server certificate does not cover, for the wrong-name case. */
function wrongName(serverCertPem: string): string {
	const certificate = new X509Certificate(serverCertPem);
	const candidates = ['wrong-name.mtls-wizard.invalid', 'not-this-server.example.net', 'wrong.name.test'];
	return candidates.find(name => certificate.checkHost(name) === undefined) ?? 'unmatched-name-0.invalid';
}

class LoopbackServer {
	private verdicts: ServerVerdict[] = [];
	private waiting: (() => void) | undefined;

	private constructor(readonly server: tls.Server) {
		server.on('secureConnection', socket => {
			socket.on('error', () => {});
			// rejectUnauthorized is off only so the reason can be read; an unverified client still gets nothing.
			if (socket.authorized) {
				this.record({authorized: true, reason: 'verified'});
				socket.end(accepted);
				return;
			}

			const peer = socket.getPeerCertificate();
			const sentNone = !peer || Object.keys(peer).length === 0;
			const error = socket.authorizationError as unknown;
			const code = verificationCode(String(error ?? ''), error instanceof Error ? error.message : String(error ?? '')) ?? '';
			this.record({
				authorized: false,
				reason: sentNone ? 'the client sent no certificate' : describe(code, 'client', `the client certificate was not accepted (${code})`),
				cause: sentNone
					? 'no-client-certificate'
					: untrustedCodes.has(code)
						? 'untrusted-client-certificate'
						: code === 'INVALID_PURPOSE'
							? 'client-certificate-purpose'
							: 'other',
			});
			socket.destroy();
		});
		server.on('tlsClientError', error => {
			this.record({authorized: false, reason: `the handshake failed on the server: ${error.message}`});
		});
	}

	static async start(input: HandshakeInput): Promise<LoopbackServer> {
		let server: tls.Server;
		try {
			server = tls.createServer({key: input.serverKeyPem, cert: input.serverCertPem, ca: input.caPem, requestCert: true, rejectUnauthorized: false});
		} catch (error) {
			throw new StepFailedError(`the server certificate and key cannot serve TLS: ${(error as Error).message}`);
		}

		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(0, '127.0.0.1', resolve);
		});
		return new LoopbackServer(server);
	}

	get port(): number {
		return (this.server.address() as AddressInfo).port;
	}

	reset(): void {
		this.verdicts = [];
	}

	/** The server's verdict on the latest connection, if it reaches one within a moment. */
	async verdict(): Promise<ServerVerdict | undefined> {
		if (this.verdicts.length === 0) {
			await new Promise<void>(resolve => {
				const timer = setTimeout(resolve, 2000);
				this.waiting = () => {
					clearTimeout(timer);
					resolve();
				};
			});
		}

		return this.verdicts[0];
	}

	async close(): Promise<void> {
		await new Promise(resolve => this.server.close(resolve));
	}

	private record(verdict: ServerVerdict): void {
		this.verdicts.push(verdict);
		this.waiting?.();
		this.waiting = undefined;
	}
}

type ClientResult = {gotData: boolean; error?: NodeJS.ErrnoException; protocol?: string};

async function connect(port: number, caPem: string, serverName: string, credentials: ClientCredentials | undefined): Promise<ClientResult> {
	return new Promise(resolve => {
		let data = '';
		let protocol: string | undefined;
		let socket: tls.TLSSocket;
		const finish = (error?: NodeJS.ErrnoException) => {
			clearTimeout(timer);
			socket?.destroy();
			resolve({gotData: data.includes(accepted), ...(error ? {error} : {}), ...(protocol ? {protocol} : {})});
		};

		const timer = setTimeout(() => finish(Object.assign(new Error(`no answer within ${caseTimeoutMs / 1000} s`), {code: 'ETIMEDOUT'})), caseTimeoutMs);
		try {
			socket = tls.connect({
				host: '127.0.0.1',
				port,
				ca: caPem,
				// SNI carries host names only; an IP is checked against the IP SANs below.
				...(isIP(serverName) === 0 ? {servername: serverName} : {}),
				checkServerIdentity: (_host, certificate) => tls.checkServerIdentity(serverName, certificate),
				...(credentials ?? {}),
			});
		} catch (error) {
			finish(error as NodeJS.ErrnoException);
			return;
		}

		socket.on('secureConnect', () => {
			protocol = socket.getProtocol() ?? undefined;
		});
		socket.on('data', chunk => {
			data += chunk.toString();
		});
		// In TLS 1.3 secureConnect fires before the server has judged the client certificate: only the reply proves it.
		socket.on('error', error => finish(error));
		socket.on('close', () => finish());
	});
}

async function runCase(
	server: LoopbackServer,
	input: HandshakeInput,
	name: string,
	expected: Outcome | RefusalCause,
	serverName: string,
	credentials: ClientCredentials | undefined,
): Promise<HandshakeCase> {
	server.reset();
	const client = await connect(server.port, input.caPem, serverName, credentials);
	let outcome: Outcome;
	let reason: string;
	let cause: RefusalCause | undefined;
	if (client.gotData && !client.error) {
		outcome = 'accepted';
		reason = `the server verified the client certificate and data was exchanged over ${client.protocol ?? 'TLS'}`;
	} else {
		outcome = 'refused';
		const serverSide = await server.verdict();
		const code = verificationCode(client.error?.code, client.error?.message);
		const clientRejectedServer = code !== undefined && (code in certificateProblems || code === 'INVALID_PURPOSE');
		if (clientRejectedServer) {
			const problem =
				code === 'ERR_TLS_CERT_ALTNAME_INVALID'
					? `the server certificate does not cover the name "${serverName}" (${code})`
					: describe(code, 'server', client.error!.message);
			reason = `the client refused the server: ${problem}`;
			cause = code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? 'wrong-server-name' : 'server-certificate';
		} else if (serverSide && !serverSide.authorized) {
			reason = `the server refused the client: ${serverSide.reason}`;
			cause = serverSide.cause ?? 'other';
		} else {
			cause = 'other';
			reason = client.error ? `the connection failed: ${client.error.message}` : 'the server closed the connection without a reply';
		}
	}

	const expectedOutcome: Outcome = expected === 'accepted' ? 'accepted' : 'refused';
	const passed = expected === 'accepted' ? outcome === 'accepted' : outcome === 'refused' && cause === expected;
	return {name, expected: expectedOutcome, outcome, reason, ...(cause ? {cause} : {}), passed};
}

/**
 * Proves a certificate set with real handshakes on 127.0.0.1: the server requires a client certificate from
 * the CA; the real client must get through, and a client without a certificate, a client from another CA and a
 * client expecting another server name must each be refused for the right reason.
 */
export async function verifyMutualTls(input: HandshakeInput): Promise<HandshakeReport> {
	// Signed on the threadpool while the first handshakes run.
	const stranger = issueStrangerClient('mtls-wizard throwaway CA', input.clientKeyPem, input.clientKeyPassphrase);
	const server = await LoopbackServer.start(input);
	try {
		const own: ClientCredentials = {
			cert: input.clientCertPem,
			key: input.clientKeyPem,
			...(input.clientKeyPassphrase === undefined ? {} : {passphrase: input.clientKeyPassphrase}),
		};
		const cases = [await runCase(server, input, handshakeCases.own, 'accepted', input.serverName, own)];
		cases.push(await runCase(server, input, handshakeCases.none, 'no-client-certificate', input.serverName, undefined));
		const other = await stranger;
		cases.push(
			await runCase(server, input, handshakeCases.stranger, 'untrusted-client-certificate', input.serverName, {cert: other.certificatePem, key: other.privateKeyPem}),
		);
		const wrong = wrongName(input.serverCertPem);
		cases.push(await runCase(server, input, `${handshakeCases.wrongName} (${wrong})`, 'wrong-server-name', wrong, own));
		return {ok: cases.every(c => c.passed), serverName: input.serverName, cases};
	} finally {
		await server.close();
		await stranger.catch(() => undefined);
	}
}
