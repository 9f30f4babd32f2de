import type {AddressInfo} from 'node:net';
import tls from 'node:tls';

export type Attempt = {gotReply: boolean; clientError?: string; serverError?: string};

/**
 * One connection to a strict mTLS server (requestCert + rejectUnauthorized, as products run it).
 * Success means the server's reply arrived: in TLS 1.3 secureConnect alone proves nothing.
 */
export async function strictHandshake(options: {
	server: {key: string; cert: string; ca: string};
	client: {ca: string; servername: string; cert?: string; key?: string; passphrase?: string};
}): Promise<Attempt> {
	let serverError: string | undefined;
	const server = tls.createServer({...options.server, requestCert: true, rejectUnauthorized: true}, socket => {
		socket.end('hello from the server\n');
	});
	server.on('tlsClientError', error => {
		serverError = (error as NodeJS.ErrnoException).code ?? error.message;
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	const result = await new Promise<{gotReply: boolean; clientError?: string}>(resolve => {
		let data = '';
		const socket = tls.connect({host: '127.0.0.1', port, ...options.client});
		socket.on('data', chunk => (data += chunk.toString()));
		socket.on('error', error => resolve({gotReply: false, clientError: (error as NodeJS.ErrnoException).code ?? error.message}));
		socket.on('close', () => resolve({gotReply: data === 'hello from the server\n'}));
	});
	// The server's verdict can trail the client's close (a client that refuses the server's certificate closes
	// first). The server reports it before its side of the connection closes, and close() calls back only once every
	// connection has: after that the verdict, if any, is in.
	await new Promise(resolve => server.close(resolve));
	return {...result, ...(serverError ? {serverError} : {})};
}
