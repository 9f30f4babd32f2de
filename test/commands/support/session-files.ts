import {X509Certificate} from 'node:crypto';
import {readdir, readFile, stat} from 'node:fs/promises';
import {join} from 'node:path';
import type {Session} from '../../../source/session/types.js';

export async function readSessions(home: string): Promise<Session[]> {
	const dir = join(home, 'sessions');
	const names = (await readdir(dir)).filter(name => name.endsWith('.json') && !name.startsWith('.'));
	return Promise.all(names.map(async name => JSON.parse(await readFile(join(dir, name), 'utf8')) as Session));
}

export async function sessionTexts(home: string): Promise<string[]> {
	const dir = join(home, 'sessions');
	return Promise.all((await readdir(dir)).map(async name => readFile(join(dir, name), 'utf8')));
}

export async function fingerprint(file: string): Promise<string> {
	return new X509Certificate(await readFile(file)).fingerprint256;
}

/** Names and modes of the files in a directory: what two runs must agree on. */
export async function fileModes(dir: string): Promise<Record<string, string>> {
	const entries: Record<string, string> = {};
	for (const name of (await readdir(dir)).sort()) entries[name] = ((await stat(join(dir, name))).mode & 0o777).toString(8);
	return entries;
}
