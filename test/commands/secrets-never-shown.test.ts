import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {fakeToolDir} from '../support/fake-tools.js';
import {runCli} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';
import {sessionTexts} from './support/session-files.js';

/**
 * kubectl as utilitywarehouse/kube-applier#133 saw it: `create secret --dry-run -o yaml` renders the Secret, and an
 * apply that fails echoes what it was given: the data whole, a piece of it, and the decoded PEM JSON-escaped.
 */
const echoingKubectl = `#!/usr/bin/env node
const fs = require('node:fs');
const args = process.argv.slice(2);
if (args[0] === 'create' && args[1] === 'secret') {
	const data = args.filter(a => a.startsWith('--from-file=')).map(a => a.slice(12).split('=')).map(([k, p]) => '  ' + k + ': ' + fs.readFileSync(p).toString('base64'));
	console.log(['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: ' + args[2], 'data:', ...data].join('\\n'));
} else if (args[0] === 'create') {
	console.log('apiVersion: v1\\nkind: Namespace\\nmetadata:\\n  name: default');
} else if (args[0] === 'apply') {
	const file = args[args.indexOf('-f') + 1];
	const text = fs.readFileSync(file, 'utf8');
	const key = /tls\\.key: (\\S+)/.exec(text);
	if (!key) { console.log('namespace/default configured'); process.exit(0); }
	console.error('Error from server (BadRequest): error when creating "' + file + '": Secret in version "v1" cannot be handled as a Secret: {"data":{"tls.key":"' + key[1] + '"}}');
	console.error('near: ...' + key[1].slice(37, 37 + 90) + '...');
	console.error(JSON.stringify({decoded: Buffer.from(key[1], 'base64').toString()}));
	process.exit(1);
}
`;

test('secrets are never shown: key material a failing kubectl echoes is redacted in --json step-output and step-failed, in the text output, and in the saved session', async t => {
	const cwd = await tempDir(t, 'mtls-echo-');
	const tools = await fakeToolDir(t, {kubectl: echoingKubectl});
	const env = {...tools.env, MTLS_WIZARD_HOME: join(cwd, 'home'), KUBECONFIG: join(cwd, 'no-kubeconfig')};
	const certs = join(cwd, 'mtls-generic', 'certs');
	const json = await runCli(['run', 'generic', '--target', 'kubectl', '--yes', '--json'], {cwd, env});
	t.is(json.exitCode, 1, json.stdout + json.stderr);
	const serverKey = await readFile(join(certs, 'server.key'), 'utf8');
	const base64 = Buffer.from(serverKey).toString('base64');
	const events = json.stdout.trim().split('\n').map(line => JSON.parse(line) as {type: string; line?: string; message?: string; lastLines?: string[]});
	const failed = events.find(event => event.type === 'step-failed');
	t.truthy(failed, json.stdout);
	t.true(failed!.lastLines!.some(line => line.includes('cannot be handled as a Secret: {"data":{"tls.key":"<redacted>"}}')), JSON.stringify(failed));
	t.true(failed!.lastLines!.some(line => line === 'near: ...<redacted>...'), JSON.stringify(failed));
	t.true(failed!.lastLines!.some(line => line.startsWith('{"decoded":"<redacted PEM block>')), JSON.stringify(failed));

	const text = await runCli(['resume'], {cwd, env});
	t.is(text.exitCode, 1, text.stdout + text.stderr);
	t.regex(text.stdout, /\{"data":\{"tls\.key":"<redacted>"\}\}/);
	const saved = (await sessionTexts(join(cwd, 'home'))).join('\n');
	t.regex(saved, /<redacted>/);
	const body = serverKey.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
	for (const [where, output] of [['--json output', json.stdout + json.stderr], ['text output', text.stdout + text.stderr], ['session file', saved]] as const) {
		t.false(output.includes(base64.slice(37, 37 + 64)), `${where} holds a piece of the base64 of server.key`);
		t.false(output.includes(body.slice(100, 164)), `${where} holds a piece of server.key`);
		t.notRegex(output, /PRIVATE KEY/, where);
	}
});

/** docker as a failing `docker run` shows it: the secret variable it was handed, in the forms tools print values. */
const echoingDocker = `#!/usr/bin/env node
const args = process.argv.slice(2);
if (args[0] !== 'run') process.exit(0);
const token = process.env.DELEGATE_TOKEN || '';
const leaked = Object.keys(process.env).filter(name => name.startsWith('MTLS_WIZARD_'));
console.error('leaked variables: ' + (leaked.join(',') || 'none'));
console.error('docker: invalid env DELEGATE_TOKEN=' + token);
console.error('config: ' + JSON.stringify({token}));
console.error('ascii: ' + JSON.stringify({token}).replace(/[\\u0080-\\uffff]/g, c => '\\\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')));
console.error("shell: DELEGATE_TOKEN='" + token.replaceAll("'", "'\\\\''") + "'");
console.error('base64: ' + Buffer.from(token).toString('base64'));
process.exit(125);
`;

async function runHarnessDocker(t: ExecutionContext, token: string) {
	const cwd = await tempDir(t, 'mtls-echo-');
	const tools = await fakeToolDir(t, {docker: echoingDocker});
	const env = {...tools.env, MTLS_WIZARD_HOME: join(cwd, 'home'), MTLS_WIZARD_ANSWER_DELEGATE_TOKEN: token, MTLS_WIZARD_ANSWER_UNUSED_EXTRA: 'not-for-children'};
	const args = ['run', 'harness-delegate', '--target', 'docker', '--set', 'delegateName=d', '--set', 'managerEndpoint=https://a.agent.harness.io', '--set', 'accountId=A', '--yes'];
	const result = await runCli(args, {cwd, env});
	t.is(result.exitCode, 1, result.stdout + result.stderr);
	const saved = (await sessionTexts(join(cwd, 'home'))).join('\n');
	return {output: result.stdout + result.stderr, saved};
}

test('secrets are never shown: a secret answer echoed raw, JSON-escaped, ASCII-escaped, shell-quoted and in base64 is redacted in the output and the session', async t => {
	const token = 'pa"ss\\wörd\'x';
	const {output, saved} = await runHarnessDocker(t, token);
	t.regex(output, /docker: invalid env DELEGATE_TOKEN=<redacted>/);
	t.regex(output, /config: \{"token":"<redacted>"\}/);
	t.regex(output, /ascii: \{"token":"<redacted>"\}/);
	t.regex(output, /shell: DELEGATE_TOKEN=<redacted>/);
	t.regex(output, /base64: <redacted>/);
	for (const [where, text] of [['output', output], ['session', saved]] as const) {
		t.false(text.includes('wörd') || text.includes('w\\u00f6rd') || text.includes('w\\\\\\\\u00f6rd') || text.includes(Buffer.from(token).toString('base64')), `${where}: ${text}`);
	}
});

test('secrets are never shown: a 2-character secret answer is redacted where a tool prints it as a value, and words that contain it stay readable', async t => {
	const {output, saved} = await runHarnessDocker(t, 'q7');
	t.regex(output, /docker: invalid env DELEGATE_TOKEN=<redacted>/);
	t.regex(output, /config: \{"token":"<redacted>"\}/);
	t.regex(output, /base64: <redacted>/);
	t.notRegex(output, /[=":]q7\b/);
	t.notRegex(saved, /[=":]q7\b/);
});

test('child processes get no MTLS_WIZARD_ variable: the secret answer reaches docker only as the variable the step passes on purpose', async t => {
	const {output} = await runHarnessDocker(t, 'long-enough-token-1234');
	t.regex(output, /leaked variables: none/);
	t.regex(output, /docker: invalid env DELEGATE_TOKEN=<redacted>/, 'the step still hands docker the value it needs');
});
