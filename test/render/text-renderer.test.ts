import test from 'ava';
import type {EngineEvent} from '../../source/engine-events.js';
import type {Step} from '../../source/plan/types.js';
import {createJsonRenderer} from '../../source/render/json-renderer.js';
import {createTextRenderer} from '../../source/render/text-renderer.js';

const steps: Step[] = [
	{id: 'issue-certificates', title: 'Issue CA, server and client certificates', kind: 'issue-certificates', dir: '/o/certs', ca: {mode: 'generate', commonName: 'CA', days: 1, keySize: 2048}, leaves: []},
	{id: 'verify-handshake', title: 'Prove the pair with a local mutual-TLS handshake', kind: 'verify-handshake', dir: '/o/certs', server: 'server', client: 'client', serverName: 'ext.test'},
	{id: 'secret-agent-client', title: 'Create secret steadybit-agent/agent-client', kind: 'kube-secret', namespace: 'steadybit-agent', name: 'agent-client', type: 'generic', files: [], createNamespace: false},
	{id: 'helm-agent', title: 'Install the agent chart', kind: 'manual', instructions: ['Open the platform UI', 'and enable the extension.']},
];

function render(events: EngineEvent[]): string {
	let text = '';
	const renderer = createTextRenderer(chunk => {
		text += chunk;
	}, steps);
	for (const event of events) renderer(event);
	return text;
}

test('a quiet step reads as one line; output is indented under its step; a manual step reads to do, never done', t => {
	const text = render([
		{type: 'run-started', sessionId: 's1', recipe: 'steadybit', target: 'helm', total: 4},
		{type: 'step-skipped', stepId: 'issue-certificates', reason: 'done in session s1'},
		{type: 'step-started', stepId: 'verify-handshake', kind: 'verify-handshake', title: 'Prove the pair with a local mutual-TLS handshake', index: 2, total: 4},
		{type: 'step-output', stepId: 'verify-handshake', line: 'ok: no client certificate: refused (the client sent no certificate)', stream: 'info'},
		{type: 'step-done', stepId: 'verify-handshake', detail: 'mutual TLS proven on 127.0.0.1 for ext.test (4 cases)', elapsedMs: 1200},
		{type: 'step-started', stepId: 'secret-agent-client', kind: 'kube-secret', title: 'Create secret steadybit-agent/agent-client', index: 3, total: 4},
		{type: 'step-done', stepId: 'secret-agent-client', elapsedMs: 400},
		{type: 'step-started', stepId: 'helm-agent', kind: 'manual', title: 'Install the agent chart', index: 4, total: 4},
		{type: 'step-to-do', stepId: 'helm-agent'},
		{type: 'run-finished', sessionId: 's1', exitCode: 0, manualSteps: [['Open the platform UI', 'and enable the extension.']]},
	]);
	const lines = text.split('\n');
	t.is(lines[0], 'steadybit → helm: 4 steps (session s1)');
	t.is(lines[1], '[1/4] issue-certificates  Issue CA, server and client certificates ... skipped (done in session s1)');
	t.is(lines[2], '[2/4] verify-handshake  Prove the pair with a local mutual-TLS handshake ...');
	t.is(lines[3], '      ok: no client certificate: refused (the client sent no certificate)');
	t.is(lines[4], '      done (1.2s): mutual TLS proven on 127.0.0.1 for ext.test (4 cases)');
	t.is(lines[5], '[3/4] secret-agent-client  Create secret steadybit-agent/agent-client ... done (0.4s)');
	t.is(lines[6], '[4/4] helm-agent  Install the agent chart ... to do by hand (listed at the end)');
	t.regex(lines[7] ?? '', /^Done in \d+\.\ds \(session s1\)\.$/);
	t.deepEqual(lines.slice(8), [
		'Proved by a mutual-TLS handshake on 127.0.0.1:',
		'  ✔ client certificate from the CA: accepted, server name ext.test verified',
		'  ✔ no client certificate: refused',
		'  ✔ client certificate from another CA: refused',
		'  ✔ wrong server name: refused by the client',
		'Still to do by hand:',
		'  1. Open the platform UI',
		'     and enable the extension.',
		'',
	]);
	t.notRegex(text, /done \(0\.0s\)/);
});

test('a manual step reached in an earlier run of the session still reads to do on resume, on a line of its own', t => {
	const text = render([
		{type: 'run-started', sessionId: 's5', recipe: 'steadybit', target: 'helm', total: 4, resumedAt: 4},
		{type: 'step-to-do', stepId: 'helm-agent'},
	]);
	t.is(text, 'steadybit → helm: 4 steps (session s5, resuming at step 4)\n[4/4] helm-agent  Install the agent chart ... to do by hand (listed at the end)\n');
});

test('a failure shows the error, the hint, the command, the last lines and how to resume', t => {
	const text = render([
		{type: 'run-started', sessionId: 's2', recipe: 'steadybit', target: 'helm', total: 3, resumedAt: 2},
		{type: 'step-started', stepId: 'secret-agent-client', kind: 'kube-secret', title: 'Create secret steadybit-agent/agent-client', index: 2, total: 3},
		{
			type: 'step-failed',
			stepId: 'secret-agent-client',
			message: 'kubectl exited with code 1:\nError from server (Forbidden)',
			hint: 'Check that your user may create secrets.',
			command: 'kubectl -n steadybit-agent apply -f /o/secret.yaml',
			lastLines: ['Error from server (Forbidden): secrets is forbidden'],
			exitCode: 1,
		},
		{type: 'run-finished', sessionId: 's2', exitCode: 1, manualSteps: []},
	]);
	t.is(
		text,
		[
			'steadybit → helm: 3 steps (session s2, resuming at step 2)',
			'[2/3] secret-agent-client  Create secret steadybit-agent/agent-client ... failed',
			'      error: kubectl exited with code 1:',
			'        Error from server (Forbidden)',
			'      hint: Check that your user may create secrets.',
			'      command: kubectl -n steadybit-agent apply -f /o/secret.yaml',
			'      last lines:',
			'        | Error from server (Forbidden): secrets is forbidden',
			'Stopped at secret-agent-client. After fixing the cause, continue with: mtls-wizard resume s2',
			'',
		].join('\n'),
	);
});

test('not confirmed and interrupted runs end with their own summary', t => {
	const notConfirmed = render([
		{type: 'step-started', stepId: 'helm-agent', kind: 'manual', title: 'Install the agent chart', index: 3, total: 3},
		{type: 'step-failed', stepId: 'helm-agent', message: 'no confirmation', lastLines: [], exitCode: 3},
		{type: 'run-finished', sessionId: 's3', exitCode: 3, manualSteps: []},
	]);
	t.regex(notConfirmed, /\.\.\. not confirmed\n/);
	t.regex(notConfirmed, /Deployed, but the mutual-TLS confirmation was not seen in time \(helm-agent\)\. After fixing the cause, continue with: mtls-wizard resume s3\n$/);
	const interrupted = render([
		{type: 'step-started', stepId: 'helm-agent', kind: 'manual', title: 'Install the agent chart', index: 3, total: 3},
		{type: 'run-finished', sessionId: 's4', exitCode: 130, manualSteps: []},
	]);
	t.is(interrupted, '[3/3] helm-agent  Install the agent chart ...\nInterrupted; progress is saved. Continue with: mtls-wizard resume s4\n');
});

test('--json prints one parseable event per line', t => {
	let text = '';
	const renderer = createJsonRenderer(chunk => {
		text += chunk;
	});
	const events: EngineEvent[] = [
		{type: 'run-started', sessionId: 's', recipe: 'generic', target: 'bundle', total: 1},
		{type: 'step-output', stepId: 'a', line: 'line with "quotes"\tand tab', stream: 'stderr'},
		{type: 'run-finished', sessionId: 's', exitCode: 0, manualSteps: []},
	];
	for (const event of events) renderer(event);
	const lines = text.trimEnd().split('\n');
	t.is(lines.length, 3);
	t.deepEqual(lines.map(line => JSON.parse(line) as EngineEvent), events);
});
