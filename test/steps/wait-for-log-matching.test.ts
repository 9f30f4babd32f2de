import test from 'ava';
import {compileLogChecks, judgeLine, stripAnsi} from '../../source/steps/log-checks.js';
import {logCommand} from '../../source/steps/wait-for-log.js';

// Steadybit's current and legacy startup lines (platforms.md §1.4) as alternatives; its CA warning as a failure.
const checks = compileLogChecks({
	id: 'confirm-extension',
	success: [
		{pattern: 'Starting extension https server on port \\d+ \\(ClientAuth: RequireAndVerifyClientCert\\)', description: 'mTLS listener'},
		{pattern: 'Starting extension server on port \\d+ \\(TLS: true\\)', description: 'legacy TLS listener'},
	],
	failures: [{pattern: 'failed to load TLS client CA certificates', hint: 'The CA file is not mounted where CLIENT_CAS points.'}],
});

test('the current startup line confirms', t => {
	const verdict = judgeLine('2026-01-01T00:00:00Z INF Starting extension https server on port 8086 (ClientAuth: RequireAndVerifyClientCert)', checks);
	t.is(verdict?.verdict, 'success');
	t.is(verdict?.verdict === 'success' ? verdict.pattern.description : undefined, 'mTLS listener');
});

test('any one of the success patterns confirms', t => {
	t.is(judgeLine('Starting extension server on port 9093 (TLS: true)', checks)?.verdict, 'success');
});

test('a server-TLS-only line does not confirm', t => {
	t.is(judgeLine('INF Starting extension https server on port 8086 (ClientAuth: NoClientCert)', checks), undefined);
});

test('a failure line fails with its hint', t => {
	const verdict = judgeLine('WRN failed to load TLS client CA certificates error="open /certs/ca.crt: no such file"', checks);
	t.is(verdict?.verdict, 'failure');
	t.is(verdict?.verdict === 'failure' ? verdict.pattern.hint : undefined, 'The CA file is not mounted where CLIENT_CAS points.');
});

test('colour codes are stripped before matching', t => {
	const coloured = '\u001B[90m2026-01-01\u001B[0m \u001B[32mINF\u001B[0m Starting extension https server on port \u001B[1m8086\u001B[0m (ClientAuth: RequireAndVerifyClientCert)';
	t.is(judgeLine(coloured, checks)?.verdict, 'success');
	t.is(stripAnsi(coloured), '2026-01-01 INF Starting extension https server on port 8086 (ClientAuth: RequireAndVerifyClientCert)');
});

test('OSC and cursor sequences are stripped too', t => {
	t.is(stripAnsi('\u001B]0;title\u0007\u001B[2K\u001B[1Gready'), 'ready');
});

test('an invalid pattern names the step and the pattern', t => {
	const error = t.throws(() => compileLogChecks({id: 'confirm', success: [{pattern: '(', description: 'x'}], failures: []}));
	t.regex(error.message, /confirm: the log pattern "\(" is not a valid regular expression/);
});

test('log commands follow the right source with context, namespace and container', t => {
	t.deepEqual(logCommand({kind: 'docker-container', container: 'ext'}).args, ['logs', '-f', 'ext']);
	t.deepEqual(logCommand({kind: 'docker-service', service: 'agent'}).args, ['service', 'logs', '-f', 'agent']);
	const kube = logCommand({kind: 'kubectl', resource: 'deployment/agent', container: 'agent', namespace: 'steadybit', context: 'prod'});
	t.is(kube.file, 'kubectl');
	t.deepEqual(kube.args, ['-n', 'steadybit', '--context', 'prod', 'logs', '-f', 'deployment/agent', '-c', 'agent']);
	t.deepEqual(logCommand({kind: 'kubectl', resource: 'pod/x', namespace: 'n'}).args, ['-n', 'n', 'logs', '-f', 'pod/x']);
});
