import test from 'ava';
import {readFileSync} from 'node:fs';
import {runCli} from './support/run-cli.js';

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {version: string}).version;

/** The commands of DESIGN.md's command line, which other tools and scripts depend on. */
const designCommands = ['recipes', 'run', 'resume', 'sessions', 'certs', 'inspect', 'verify', 'status', 'check-expiry', 'renew', 'rotate-ca'];

/** The commands the readme's Commands block documents, one `mtls-wizard NAME` line each. */
function readmeCommands(): string[] {
	const readme = readFileSync(new URL('../readme.md', import.meta.url), 'utf8');
	const block = /^## Commands\n\n```\n([\s\S]*?)\n```/m.exec(readme)?.[1] ?? '';
	return [...new Set([...block.matchAll(/^mtls-wizard ([a-z-]+)/gm)].map(match => match[1]!))];
}

test('--help lists every command of DESIGN.md and of the readme, and the readme documents every one of DESIGN.md', async t => {
	const {exitCode, stdout} = await runCli(['--help']);
	t.is(exitCode, 0);
	const documented = readmeCommands();
	for (const command of designCommands) t.true(documented.includes(command), `the readme's Commands block documents ${command}`);
	for (const command of new Set([...designCommands, ...documented])) {
		t.regex(stdout, new RegExp(`^  ${command} `, 'm'), `help lists ${command}`);
	}
	t.regex(stdout, /interactive wizard/);
});

test('--version prints the package version', async t => {
	const {exitCode, stdout} = await runCli(['--version']);
	t.is(exitCode, 0);
	t.is(stdout.trim(), version);
});

test('an unknown command exits 2 with one line and no stack', async t => {
	const {exitCode, stderr} = await runCli(['frob']);
	t.is(exitCode, 2);
	t.is(stderr, "mtls-wizard: unknown command 'frob'. See: mtls-wizard --help\n");
});

test('a missing required option names it and exits 2', async t => {
	const {exitCode, stderr} = await runCli(['run', 'generic']);
	t.is(exitCode, 2);
	t.regex(stderr, /--target/);
	t.notRegex(stderr, /\n\s+at /);
});

test('an unknown option names it and exits 2', async t => {
	const {exitCode, stderr} = await runCli(['certs', '--out', 'x', '--bogus']);
	t.is(exitCode, 2);
	t.regex(stderr, /unknown option '--bogus'/);
});
