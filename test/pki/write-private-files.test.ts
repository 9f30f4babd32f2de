import test from 'ava';
import {chmod, mkdir, readdir, readFile, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {UsageError} from '../../source/errors.js';
import {writePrivateFiles} from '../../source/pki/write-private-files.js';
import {tempDir} from '../support/temp-dir.js';

const files = [
	{name: 'a.crt', content: 'cert\n', secret: false},
	{name: 'a.key', content: 'key\n', secret: true},
];

const mode = async (path: string) => (await stat(path)).mode & 0o777;

test('creates the directory 0700 with keys 0600, and leaves no temp directory beside it', async t => {
	const parent = await tempDir(t);
	const out = join(parent, 'nested', 'pki');
	await writePrivateFiles(out, files, {force: false});
	t.is(await mode(out), 0o700);
	t.is(await mode(join(out, 'a.key')), 0o600);
	t.is(await mode(join(out, 'a.crt')), 0o644);
	t.is(await readFile(join(out, 'a.key'), 'utf8'), 'key\n');
	t.deepEqual(await readdir(join(parent, 'nested')), ['pki']);
});

test('keeps the mode of an existing directory and refuses to replace existing files without force', async t => {
	const out = await tempDir(t);
	await mkdir(out, {recursive: true});
	await chmod(out, 0o755);
	await writeFile(join(out, 'a.key'), 'old key\n');
	const error = await t.throwsAsync(writePrivateFiles(out, files, {force: false}), {instanceOf: UsageError});
	t.regex(error.message, /^--out: ".*" already holds a\.key\. .*--force/);
	t.is(await readFile(join(out, 'a.key'), 'utf8'), 'old key\n');
	t.deepEqual((await readdir(out)).sort(), ['a.key']);
	await writePrivateFiles(out, files, {force: true});
	t.is(await readFile(join(out, 'a.key'), 'utf8'), 'key\n');
	t.is(await mode(out), 0o755);
	t.is(await mode(join(out, 'a.key')), 0o600);
});

test('refuses a target that is a file', async t => {
	const parent = await tempDir(t);
	await writeFile(join(parent, 'file'), 'x');
	const error = await t.throwsAsync(writePrivateFiles(join(parent, 'file'), files, {force: true}), {instanceOf: UsageError});
	t.regex(error.message, /is not a directory/);
});
