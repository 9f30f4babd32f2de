/**
 * Run as its own process by key-maker.test.ts: makes RSA keys the interactive wizard's way, reports its key maker
 * (found as its child in /proc) and the keys, kills the key maker while it makes a key to show the key still comes,
 * then ends by itself.
 */
import {createPublicKey, sign, verify} from 'node:crypto';
import {readdirSync, readFileSync} from 'node:fs';
import {generateKey, makeRsaKeysApart} from '../../../source/pki/generate-key.js';

/** Fields of /proc/PID/stat after the command name: state, ppid, pgrp, session (proc(5) fields 3 to 6). */
function stat(pid: number): {ppid: number; session: number} | undefined {
	try {
		const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
		return {ppid: Number(fields[1]), session: Number(fields[3])};
	} catch {
		return undefined;
	}
}

function children(): number[] {
	return readdirSync('/proc').filter(name => /^\d+$/.test(name)).map(Number).filter(pid => stat(pid)?.ppid === process.pid);
}

function works(key: Awaited<ReturnType<typeof generateKey>>): boolean {
	const data = Buffer.from('keys apart');
	return verify('sha256', data, createPublicKey(key), sign('sha256', data, key));
}

makeRsaKeysApart(true);
const first = await Promise.all([generateKey('rsa', 2048), generateKey('rsa', 3072)]);
const helpers = children();
const report = {
	session: stat(process.pid)!.session,
	helpers: helpers.map(pid => ({pid, session: stat(pid)?.session})),
	first: first.map(key => ({bits: key.asymmetricKeyDetails?.modulusLength, works: works(key)})),
	afterKill: undefined as undefined | {bits: number | undefined; works: boolean},
};
// A 4096-bit key takes the helper long enough for the kill to land while it is being made.
const pending = generateKey('rsa', 4096);
await new Promise(resolve => setImmediate(resolve));
for (const pid of helpers) process.kill(pid, 'SIGKILL');
const after = await pending;
report.afterKill = {bits: after.asymmetricKeyDetails?.modulusLength, works: works(after)};
process.stdout.write(`${JSON.stringify(report)}\n`);
