import {readdir, readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';

/**
 * The readme's promises, each with the test file whose tests are named after it. If the readme stops making a
 * promise, or its tests are renamed or removed, this fails, so the two cannot drift apart silently.
 */
const promises: Array<{promise: string; readme: RegExp; file: string}> = [
	{promise: 'an existing key is never overwritten', readme: /an existing key is never overwritten/, file: 'test/commands/existing-key.test.ts'},
	{promise: 'nothing is half-written', readme: /Nothing is half-written: the certificates a step issues are staged/, file: 'test/commands/certificate-step-interrupted.test.ts'},
	{promise: 'keys are 0600 in 0700 directories', readme: /keys there are 0600 in a 0700 directory/, file: 'test/commands/keys-modes.test.ts'},
	{promise: 'secrets are never shown', readme: /\*\*Secrets are never shown\.\*\*/, file: 'test/commands/secrets-never-shown.test.ts'},
];

const root = new URL('..', import.meta.url).pathname;

for (const {promise, readme, file} of promises) {
	test(`the readme promises "${promise}" and ${file} has tests named after it`, async t => {
		t.regex(await readFile(join(root, 'readme.md'), 'utf8'), readme);
		const source = await readFile(join(root, file), 'utf8');
		const named = [...source.matchAll(/^test\((['`])(.*?)\1/gm)].map(match => match[2]!).filter(title => title.startsWith(`${promise}:`));
		t.true(named.length > 0, `no test in ${file} is named "${promise}: ..."`);
	});
}

test('the bad-input promise is backed by the corpus', async t => {
	t.regex(await readFile(join(root, 'readme.md'), 'utf8'), /Bad input gets one or two lines naming the argument or answer, the value and the fix, and nothing is written\./);
	t.true((await readdir(join(root, 'test/bad-input'))).includes('corpus.test.ts'));
});
