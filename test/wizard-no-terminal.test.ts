import test from 'ava';
import {runCli} from './support/run-cli.js';

test('without a terminal the wizard exits 2 and names the headless command', async t => {
	const {exitCode, stdout, stderr} = await runCli([], {input: ''});
	t.is(exitCode, 2);
	t.is(stdout, '');
	t.regex(stderr, /^mtls-wizard: the interactive wizard needs a terminal/);
	t.regex(stderr, /mtls-wizard run RECIPE --target TARGET --set key=value/);
	t.regex(stderr, /mtls-wizard recipes/);
	t.is(stderr.trim().split('\n').length, 1);
});
