import {spawn, type ChildProcess} from 'node:child_process';
import {createPrivateKey, type KeyObject} from 'node:crypto';
import {createInterface} from 'node:readline';
import type {Readable, Writable} from 'node:stream';

/*
 * RSA keys made by a helper node process in a session of its own, for the interactive wizard. Made on this
 * process's threadpool, the keys' CPU time counts against this process, and Linux (autogroup, on by default) then
 * gives the whole process, its UI thread included, no more than its fair share against every other session: on a
 * busy machine the UI thread waited 100 to 200 ms for a core while keys were made, against 30 to 70 ms with the
 * keys made in another session (which made as many). The keys come back over a pipe as DER, never on disk or argv.
 */
const script = `
const {generateKeyPair} = require('node:crypto');
const lines = require('node:readline').createInterface({input: process.stdin});
lines.on('line', line => {
	const {id, bits} = JSON.parse(line);
	generateKeyPair('rsa', {modulusLength: bits, publicExponent: 0x10001}, (error, _publicKey, privateKey) => {
		const answer = error ? {id, error: error.message} : {id, der: privateKey.export({type: 'pkcs8', format: 'der'}).toString('base64')};
		process.stdout.write(JSON.stringify(answer) + '\\n');
	});
});
lines.on('close', () => process.exit(0));
`;

type Pending = {resolve(key: KeyObject): void; reject(error: Error): void};
type Maker = {child: ChildProcess; input: Writable; pending: Map<number, Pending>};

let maker: Maker | undefined;
let nextId = 0;

/** Holds this process open only while a key is being made: an idle helper must not keep the wizard from exiting. */
function hold(current: Maker, held: boolean): void {
	for (const handle of [current.child, current.child.stdin, current.child.stdout] as Array<{ref?(): void; unref?(): void} | null>) {
		if (held) handle?.ref?.();
		else handle?.unref?.();
	}
}

function failAll(current: Maker, error: Error): void {
	if (maker === current) maker = undefined;
	for (const pending of current.pending.values()) pending.reject(error);
	current.pending.clear();
}

function start(): Maker {
	// detached: setsid, a session (and so a scheduling group) of its own. It ends when its stdin closes, which this
	// process's exit does however it ends; the environment is empty so no NODE_OPTIONS loads anything into it.
	const child = spawn(process.execPath, ['-e', script], {detached: true, stdio: ['pipe', 'pipe', 'ignore'], env: {}});
	const current: Maker = {child, input: child.stdin!, pending: new Map()};
	createInterface({input: child.stdout as Readable}).on('line', line => {
		const answer = JSON.parse(line) as {id: number; der?: string; error?: string};
		const pending = current.pending.get(answer.id);
		if (!pending) return;
		current.pending.delete(answer.id);
		if (current.pending.size === 0) hold(current, false);
		if (answer.der === undefined) pending.reject(new Error(answer.error ?? 'the key maker sent no key'));
		else pending.resolve(createPrivateKey({key: Buffer.from(answer.der, 'base64'), format: 'der', type: 'pkcs8'}));
	});
	child.on('error', error => failAll(current, error));
	child.on('exit', code => failAll(current, new Error(`the key maker exited (code ${code})`)));
	current.input.on('error', error => failAll(current, error));
	return current;
}

/** An RSA key of `bits` from the helper process; rejects when the helper cannot be started or dies. */
export async function makeRsaKeyApart(bits: number): Promise<KeyObject> {
	maker ??= start();
	const current = maker;
	const id = nextId++;
	return new Promise<KeyObject>((resolve, reject) => {
		current.pending.set(id, {resolve, reject});
		if (current.pending.size === 1) hold(current, true);
		current.input.write(`${JSON.stringify({id, bits})}\n`);
	});
}
