import {createServer} from 'node:net';

/*
 * Ports for stand-ins come from below the kernel's ephemeral range (32768-60999 by default), so an outgoing
 * connection of some other process (kubectl, helm, a test beside this one) cannot take a port between our check and
 * the stand-in's bind, as it could take one the kernel had just handed to bind(0) and we had closed. Each test process
 * (ava runs a file per process) draws from its own slice, chosen by its pid and started at a random point, and never
 * hands out a port twice: stand-ins started together, or by files running side by side, do not meet on one port.
 */
const sliceSize = 400;
const firstPort = 16_000;
const slices = Math.floor((32_768 - firstPort) / sliceSize);
const sliceStart = firstPort + (process.pid % slices) * sliceSize;
let drawn = 0;
const offset = Math.floor(Math.random() * sliceSize);

async function bindable(port: number): Promise<boolean> {
	return new Promise(resolve => {
		const server = createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** A TCP port free on 127.0.0.1 now and handed to no other caller (the caller binds it soon after). */
export async function freePort(): Promise<number> {
	while (drawn < sliceSize) {
		const port = sliceStart + ((offset + drawn++) % sliceSize);
		if (await bindable(port)) return port;
	}

	throw new Error(`freePort: test process ${process.pid} has used every port of its slice ${sliceStart}-${sliceStart + sliceSize - 1}`);
}
