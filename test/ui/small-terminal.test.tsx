/** @jsxRuntime automatic */
import test from 'ava';
import {provedByHandshake} from '../../source/pki/handshake-cases.js';
import {App} from '../../source/ui/App.js';
import type {RunStart, SummaryView} from '../../source/wizard/types.js';
import {keys, renderInkSized, waitFor} from '../support/ink-wait.js';
import {fakeController, fullEnvironment, type FakeController} from './fake-controller.js';

/** A run as long as the Steadybit helm plan, with titles as long as the recipes have. */
const longRun: RunStart = {
	steps: [
		{id: 'certificates', title: 'Issue the CA and the extension server, agent client certificates', done: false},
		{id: 'verify-handshake', title: 'Prove agent client → extension server with a local mutual-TLS handshake', done: false},
		{id: 'secret-agent-client', title: 'Create secret steadybit-agent/steadybit-agent-client-tls (agent client certificate)', done: false},
		{id: 'secret-extension-server', title: 'Create secret steadybit-agent/steadybit-extension-server-tls', done: false},
		{id: 'secret-ca', title: 'Create secret steadybit-agent/steadybit-mtls-ca (Opaque, tls.crt only)', done: false},
		{id: 'helm-agent', title: 'Install helm release steadybit-agent (steadybit/steadybit-agent 3.1.148)', done: false},
		{id: 'wait-extension', title: 'Wait for the extension to start its HTTPS server with client certificates required', done: false},
		{id: 'wait-agent', title: 'Wait for the agent to register the extension over mutual TLS', done: false},
		{id: 'send-ca', title: 'Send the CA certificate to Harness Support', done: false, manual: true},
		{id: 'check-ui', title: 'Check in the Steadybit platform that the agent shows its extensions', done: false, manual: true},
	],
};

const fingerprint = Array.from({length: 32}, (_, i) => (i * 7 + 16).toString(16).slice(-2).toUpperCase()).join(':');

const longSummary: SummaryView = {
	outDir: '/home/operator/projects/chaos-engineering/mtls-steadybit/certs',
	sessionId: '20261202-013539-2329',
	certificates: ['ca.crt', 'extension-server.crt', 'agent-client.crt'].map(file => ({
		file,
		subject: file === 'ca.crt' ? 'CN=mtls-wizard CA' : `CN=steadybit-agent-${file.replace('.crt', '')}`,
		notAfter: new Date('2029-03-06T00:00:00Z'),
		fingerprint,
	})),
	deployed: ['secret steadybit-agent/steadybit-agent-client-tls created', 'release steadybit-agent revision 1 deployed'],
	manualSteps: [['Check in the Steadybit platform that the agent shows its extensions.']],
	proved: provedByHandshake('steadybit-agent-extension-http.steadybit-agent.svc.cluster.local'),
	headless: {command: 'mtls-wizard run steadybit --target helm --set clusterName=prod --set namespace=steadybit-agent'},
};

function longController(): FakeController {
	const base = fakeController();
	return {
		...base,
		async startRun(from, onEvent) {
			await base.startRun(from, onEvent);
			return longRun;
		},
		async summary() {
			return longSummary;
		},
	};
}

const sizes: Array<[number, number]> = [
	[60, 20],
	[80, 24],
	[160, 50],
];

for (const [columns, rows] of sizes) {
	test(`at ${columns}×${rows} no frame of any screen is taller than the terminal, and the title stays on top`, async t => {
		const controller = longController();
		const {lastFrame, frames, stdin} = renderInkSized(t, <App controller={controller} onExit={() => {}} />, {columns, rows});
		controller.setEnvironment(fullEnvironment);
		const check = (frame: string) => {
			const lines = frame.split('\n');
			t.true(lines.length < rows, `a frame of ${lines.length} rows fits ${rows} with a row to spare:\n${frame}`);
			t.regex(lines[0] ?? '', /^mtls-wizard/, `the title is the first row:\n${frame}`);
			for (const line of lines) t.true(line.length <= columns, `fits ${columns} columns: ${line}`);
		};

		const step = async (expected: RegExp) => waitFor(lastFrame, expected);

		await step(/❯ Generic mTLS/);
		stdin.write(keys.enter);
		await step(/Where should Generic mTLS be set up\?/);
		for (let presses = 0; !/❯ Export a bundle/.test(lastFrame() ?? '') && presses < 5; presses++) {
			const before = lastFrame();
			stdin.write('j');
			await waitFor(lastFrame, frame => frame !== before, 'the pointer to move');
		}

		await step(/❯ Export a bundle/);
		stdin.write(keys.enter);
		await step(/Question 1 of 3/);
		stdin.write(keys.enter);
		await step(/Question 2 of 3/);
		stdin.write('s3cret');
		stdin.write(keys.enter);
		await step(/Question 3 of 3/);
		stdin.write('ten');
		stdin.write(keys.enter);
		await step(/days: "ten" is not a whole number/);
		stdin.write(keys.ctrlU);
		stdin.write(keys.enter);
		await step(/❯ Run it/);
		stdin.write(keys.enter);
		await step(/Issue the CA and the extension server/);
		controller.emit({type: 'run-started', sessionId: 's-1', recipe: 'steadybit', target: 'helm', total: longRun.steps.length});
		for (const [index, {id, title}] of longRun.steps.slice(0, 6).entries()) {
			controller.emit({type: 'step-started', stepId: id, kind: 'kube-secret', title, index: index + 1, total: longRun.steps.length});
			for (let line = 1; line <= 7; line++) controller.emit({type: 'step-output', stepId: id, line: `output ${line} of ${id}`, stream: 'stdout'});
			controller.emit({type: 'step-done', stepId: id, elapsedMs: 1200});
		}

		const wait = longRun.steps[6]!;
		controller.emit({type: 'step-started', stepId: wait.id, kind: 'wait-for-log', title: wait.title, index: 7, total: longRun.steps.length});
		controller.emit({type: 'waiting-for', stepId: wait.id, description: '"Starting extension https server" in deployment/steadybit-agent-extension-http', timeoutSeconds: 300});
		for (let line = 1; line <= 7; line++) controller.emit({type: 'step-output', stepId: wait.id, line: `extension log ${line}`, stream: 'stdout'});
		const running = await step(/extension log 7/);
		t.regex(running, /confirmation: waits 300s for:/);
		controller.emit({
			type: 'step-failed',
			stepId: wait.id,
			message: `no "Starting extension https server" line within 300 s:\n${Array.from({length: 8}, (_, i) => `log ${i + 1}`).join('\n')}`,
			hint: 'The extension did not load its certificate: check that the secret steadybit-extension-server-tls holds tls.crt and tls.key.',
			command: 'kubectl logs -f deployment/steadybit-agent-extension-http --namespace steadybit-agent --context prod-eu-cluster',
			lastLines: Array.from({length: 12}, (_, i) => `extension log ${i + 1}`),
			exitCode: 3,
		});
		controller.emit({type: 'run-finished', sessionId: 's-1', exitCode: 3, manualSteps: []});
		const failed = await step(/Retry this step/);
		t.regex(failed, /✘ Wait for the extension/);
		stdin.write(keys.enter);
		await waitFor(lastFrame, frame => !/Retry this step/.test(frame), 'the retried run');
		for (const [index, {id, title}] of longRun.steps.slice(6).entries()) {
			controller.emit({type: 'step-started', stepId: id, kind: index < 2 ? 'wait-for-log' : 'manual', title, index: index + 7, total: longRun.steps.length});
			controller.emit({type: 'step-done', stepId: id, elapsedMs: 900});
		}

		controller.emit({type: 'run-finished', sessionId: 's-1', exitCode: 0, manualSteps: longSummary.manualSteps});
		let summary = await step(/✔ Done\./);
		const pages = [summary];
		while (/↓ \d+ more below/.test(summary)) {
			const before = summary;
			stdin.write(keys.pageDown);
			summary = await waitFor(lastFrame, frame => frame !== before, 'the next page of the summary');
			pages.push(summary);
		}

		const text = pages.join('\n');
		t.regex(text, /expires 2029-03-06/);
		t.true(text.replaceAll(/\n\s+/g, '').includes(fingerprint.replaceAll(':', '').toLowerCase()), 'the fingerprints are whole');
		t.true(text.replaceAll(/\n\s+/g, '').includes(longSummary.outDir), 'the certificates directory is whole');
		t.regex(text, /Proved by a mutual-TLS handshake on 127\.0\.0\.1/);
		t.regex(text, /Left for you to do/);
		for (const frame of frames) check(frame);
	});
}

test('at 60×20 a long list of unfinished sessions scrolls with the pointer and every frame fits', async t => {
	const sessions = Array.from({length: 9}, (_, i) => ({
		id: `s-${i}`,
		recipe: 'steadybit',
		recipeTitle: 'Steadybit agent ↔ extensions',
		target: 'kubectl' as const,
		nextStep: 2,
		totalSteps: 9,
		savedAt: new Date(Date.parse('2026-01-01T10:00:00Z') - (i + 1) * 60_000),
		resumeQuestions: [],
	}));
	const controller = fakeController({resumable: sessions});
	const {lastFrame, frames, stdin} = renderInkSized(t, <App controller={controller} now={() => new Date('2026-01-01T10:00:00Z')} onExit={() => {}} />, {columns: 60, rows: 20});
	controller.setEnvironment(fullEnvironment);
	let frame = await waitFor(lastFrame, /9 unfinished sessions were found, newest first\./);
	t.regex(frame, /↓ \d+ more below/);
	for (let moves = 0; !/❯ Discard/.test(frame); moves++) {
		if (moves > sessions.length + 2) throw new Error(`never reached Discard:\n${frame}`);
		const before = frame;
		stdin.write('j');
		frame = await waitFor(lastFrame, shown => shown !== before, 'the pointer to move');
	}

	t.regex(frame, /↑ \d+ more above/);
	t.regex(frame, /forget one of the saved sessions \(asks first\)/);
	for (const shown of frames) {
		const lines = shown.split('\n');
		t.true(lines.length < 20, `a frame of ${lines.length} rows fits 20 with a row to spare:\n${shown}`);
		t.regex(lines[0] ?? '', /^mtls-wizard/);
		// "Loading…" is the only … a frame may hold: nothing is cut.
		for (const line of lines) t.true(line.length <= 60 && !line.replace('Loading…', '').includes('…'), `fits 60 columns, nothing cut: ${line}`);
	}
});
