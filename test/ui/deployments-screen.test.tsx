/** @jsxRuntime automatic */
import test from 'ava';
import {App, type WizardExit} from '../../source/ui/App.js';
import type {DeploymentActionView, DeploymentView} from '../../source/wizard/types.js';
import {keys, renderInkSized, waitFor} from '../support/ink-wait.js';
import {fakeController, fullEnvironment} from './fake-controller.js';

const now = new Date('2026-12-07T12:00:00Z');
/** The frame with its wrapped rows joined: a narrow terminal wraps a long title. */
const whole = (expected: RegExp) => (frame: string) => expected.test(frame.replaceAll(/\n\s*/g, ' '));

const daysFromNow = (days: number) => new Date(now.getTime() + days * 86_400_000);

const renewals: DeploymentActionView[] = [
	{id: 'renew', verb: 'renew', label: 'Renew the certificates (same CA)', description: 'new keys for every leaf, redeployed and confirmed again'},
	{id: 'renew-reuse-keys', verb: 'renew', label: 'Renew the certificates (same CA), keeping the keys', description: 'the same leaf keys signed again'},
];

/** Three deployments, newest first: one expired, one due within the window, one with years left; long titles. */
const deployments: DeploymentView[] = [
	{
		id: '20261201-090000-aaaa',
		recipe: 'portainer',
		recipeTitle: 'Portainer server ↔ Edge Agent',
		target: 'swarm',
		deployedAt: daysFromNow(-6),
		firstExpiry: {file: 'agent.crt', notAfter: daysFromNow(-3), daysLeft: -3},
		actions: renewals,
		questions: [{id: 'edgeKey', prompt: 'Edge key of the environment', secret: true}],
	},
	{
		id: '20261101-090000-bbbb',
		recipe: 'steadybit',
		recipeTitle: 'Steadybit agent ↔ extensions',
		target: 'helm',
		deployedAt: daysFromNow(-36),
		firstExpiry: {file: 'extension-server.crt', notAfter: daysFromNow(12), daysLeft: 12},
		actions: renewals,
		questions: [],
	},
	{
		id: '20250101-090000-cccc',
		recipe: 'generic',
		recipeTitle: 'Any server and client',
		target: 'kubectl',
		deployedAt: daysFromNow(-340),
		firstExpiry: {file: 'server.crt', notAfter: daysFromNow(485), daysLeft: 485},
		actions: renewals,
		questions: [],
	},
];

for (const [columns, rows] of [
	[60, 20],
	[80, 24],
] as const) {
	test(`at ${columns}×${rows}: the first screen offers the deployments with their expiry marked; a renewal asks its secret, is reviewed, runs and ends on the summary`, async t => {
		const controller = fakeController({deployments});
		let exited: WizardExit | undefined;
		const {lastFrame, frames, stdin} = renderInkSized(t, <App controller={controller} now={() => now} onExit={result => (exited = result)} />, {columns, rows});
		controller.setEnvironment(fullEnvironment);
		const entry = await waitFor(lastFrame, /Renew a deployment/);
		t.notRegex(entry, /rotate/i, 'nothing offers what no action does');
		t.regex(entry, /3 finished deployments, 2 expired or due within 30 days|3 finished deploym/);
		stdin.write('k');
		await waitFor(lastFrame, /❯ Renew a deployment/);
		stdin.write(keys.enter);
		const list = await waitFor(lastFrame, /3 finished deployments, newest first/);
		const joined = list.replaceAll(/\n\s+/g, ' ');
		t.regex(joined, /❯ Portainer server ↔ Edge Agent on swarm/);
		t.regex(joined, /EXPIRED: agent\.crt expired on 2026-12-04, 3 days ago/);
		t.regex(joined, /RENEW NOW: extension-server\.crt expires on 2026-12-19, in 12 days/);
		t.regex(joined, /server\.crt expires first, on 2028-04-05: 485 days left/);

		stdin.write(keys.enter);
		await waitFor(lastFrame, whole(/What should be done with Portainer server ↔ Edge Agent on swarm\?/), 'the actions of the Portainer deployment');
		stdin.write('j');
		await waitFor(lastFrame, /❯ Renew the certificates \(same CA\), keeping the keys/);
		stdin.write(keys.enter);
		await waitFor(lastFrame, /Edge key of the environment/);
		stdin.write('edge-secret');
		stdin.write(keys.enter);
		const review = await waitFor(lastFrame, /❯ Run it/);
		t.true(whole(/Portainer server ↔ Edge Agent › swarm › renew/)(review), review);
		t.true(controller.calls.includes('reviewDeployment 20261201-090000-aaaa renew-reuse-keys edgeKey'), controller.calls.join('\n'));
		t.false(frames.some(frame => frame.includes('edge-secret')), 'the secret answer is never shown');

		stdin.write(keys.enter);
		await waitFor(lastFrame, /Issue CA, server and client certificates/);
		t.true(controller.calls.includes('run'));
		controller.emit({type: 'run-started', sessionId: 's-1', recipe: 'portainer', target: 'swarm', total: 4});
		controller.emit({type: 'run-finished', sessionId: 's-1', exitCode: 0, manualSteps: []});
		await waitFor(lastFrame, /✔ Done\./);
		stdin.write(keys.enter);
		await waitFor(() => (exited ? 'exited' : ''), /exited/, 'the wizard to exit');
		t.is(exited?.exitCode, 0);
		for (const frame of frames) {
			const lines = frame.split('\n');
			t.true(lines.length < rows, `a frame of ${lines.length} rows fits ${rows} with a row to spare:\n${frame}`);
			for (const line of lines) t.true(line.length <= columns, `fits ${columns} columns: ${line}`);
		}
	});
}

test('at 80×24 the entry is first, above the products, with the pointer on the first product; read late, it leaves the pointer where the user moved it', async t => {
	let read!: () => void;
	const controller = fakeController({deployments, deploymentsRead: new Promise(resolve => (read = resolve))});
	const {lastFrame, stdin} = renderInkSized(t, <App controller={controller} now={() => now} onExit={() => {}} />, {columns: 80, rows: 24});
	controller.setEnvironment(fullEnvironment);
	await waitFor(lastFrame, /❯ Generic mTLS/);
	stdin.write('j');
	await waitFor(lastFrame, /❯ Steadybit agent ↔ extensions/);
	read();
	const frame = await waitFor(lastFrame, /Renew a deployment/);
	const list = frame.slice(frame.indexOf('Which product needs mutual TLS?'));
	t.regex(list, /^Which product needs mutual TLS\?\n {2}Renew a deployment +3 finished deployments[^\n]*\n {2}Generic mTLS/, 'the entry heads the list');
	t.regex(list, /❯ Steadybit agent ↔ extensions/, 'the pointer stays on the product it was on');
	stdin.write(keys.enter);
	await waitFor(lastFrame, /Where should Steadybit agent ↔ extensions be set up\?/);
	stdin.write(keys.escape);
	await waitFor(lastFrame, /❯ Steadybit agent ↔ extensions/);
	stdin.write('k');
	stdin.write('k');
	await waitFor(lastFrame, /❯ Renew a deployment/);
	stdin.write(keys.enter);
	await waitFor(lastFrame, /3 finished deployments, newest first/);
});

test('the resume screen offers the deployments too, first, with the pointer on the session; Esc on their list returns to it, and an action added with verb rotate names the entry', async t => {
	const rotate: DeploymentActionView = {id: 'rotate-ca', verb: 'rotate', label: 'Rotate the CA', description: 'trust both, re-issue, drop the old'};
	const controller = fakeController({
		deployments: deployments.map(deployment => ({...deployment, actions: [...renewals, rotate]})),
		resumable: [{id: 's-9', recipe: 'generic', recipeTitle: 'Generic mTLS', target: 'bundle', nextStep: 2, totalSteps: 3, savedAt: now, resumeQuestions: []}],
	});
	const {lastFrame, stdin} = renderInkSized(t, <App controller={controller} now={() => now} onExit={() => {}} />, {columns: 80, rows: 24});
	const frame = await waitFor(lastFrame, /Renew or rotate a deployment/);
	t.regex(frame, /An unfinished session was found\.\n {2}Renew or rotate a deployment\s+3 finished deployments[^\n]*\n❯ Resume Generic mTLS/, 'the entry heads the list, the pointer on the session');
	stdin.write('k');
	await waitFor(lastFrame, /❯ Renew or rotate a deployment/);
	stdin.write(keys.enter);
	await waitFor(lastFrame, /finished deployments, newest first/);
	stdin.write(keys.enter);
	const actions = await waitFor(lastFrame, /What should be done with/);
	t.regex(actions, /Rotate the CA/);
	stdin.write(keys.escape);
	await waitFor(lastFrame, /finished deployments, newest first/);
	stdin.write(keys.escape);
	await waitFor(lastFrame, /An unfinished session was found/);
});

test('at 60×20 a long list of deployments shows a window around the pointer, with how many are above and below', async t => {
	const many = Array.from({length: 9}, (_, i): DeploymentView => ({...deployments[i % 3]!, id: `2026110${i}-090000-aaaa`, recipeTitle: `${deployments[i % 3]!.recipeTitle} #${i + 1}`}));
	const controller = fakeController({deployments: many});
	const {lastFrame, frames, stdin} = renderInkSized(t, <App controller={controller} now={() => now} onExit={() => {}} />, {columns: 60, rows: 20});
	controller.setEnvironment(fullEnvironment);
	await waitFor(lastFrame, /Renew a deployment/);
	stdin.write('k');
	await waitFor(lastFrame, /❯ Renew a deployment/);
	stdin.write(keys.enter);
	const top = await waitFor(lastFrame, /9 finished deployments, newest first/);
	t.regex(top, /❯ Portainer server ↔ Edge Agent #1 on swarm/);
	t.regex(top, /↓ \d more below/);
	t.notRegex(top, /more above/);
	stdin.write('k');
	const bottom = await waitFor(lastFrame, /❯ Any server and client #9 on kubectl/);
	t.regex(bottom, /↑ \d more above/);
	t.notRegex(bottom, /more below/);
	t.regex(bottom, /server\.crt expires first, on 2028-04-05: 485 days left/);
	for (const frame of frames) {
		const lines = frame.split('\n');
		t.true(lines.length < 20, `a frame of ${lines.length} rows fits 20 with a row to spare:\n${frame}`);
		for (const line of lines) t.true(line.length <= 60, `fits 60 columns: ${line}`);
	}
});
