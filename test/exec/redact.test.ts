import test from 'ava';
import {redact} from '../../source/exec/redact.js';

test('hides every secret, its base64 form, and the longer of two overlapping secrets whole', t => {
	const text = `token=s3cr3t-TOKEN data: ${Buffer.from('s3cr3t-TOKEN').toString('base64')} pass=s3cr3t`;
	t.is(redact(text, ['s3cr3t', 's3cr3t-TOKEN', '']), 'token=<redacted> data: <redacted> pass=<redacted>');
	t.is(redact('nothing here', ['s3cr3t']), 'nothing here');
});
