/** @jsxRuntime automatic */
import test, {type ExecutionContext} from 'ava';
import {App, type WizardExit} from '../../source/ui/App.js';
import {keys, renderInk, tick, waitFor, waitForChange} from '../support/ink-wait.js';
import {fakeController, fullEnvironment, type FakeController} from './fake-controller.js';

/** All of `text` in one write, as a paste or fast typing delivers it. */
const type = async (instance: {stdin: {write(data: string): void}; lastFrame(): string | undefined}, text: string) => {
	const before = instance.lastFrame();
	instance.stdin.write(text);
	await waitForChange(instance.lastFrame, before, `typing ${JSON.stringify(text)}`);
};

/** Presses `key` until the pointer is on the item `pointer` matches; the list starts on its first item that can be picked. */
async function pointTo(instance: {stdin: {write(data: string): void}; lastFrame(): string | undefined}, key: string, pointer: RegExp) {
	for (let presses = 0; !pointer.test(instance.lastFrame() ?? ''); presses++) {
		if (presses === 10) throw new Error(`${String(pointer)} not reached in 10 presses; last frame:\n${instance.lastFrame() ?? ''}`);
		const before = instance.lastFrame();
		instance.stdin.write(key);
		await waitForChange(instance.lastFrame, before, `pressing ${JSON.stringify(key)}`);
	}
}

/** Generic mTLS on the bundle target (reached upwards with `up`), up to its first question. */
async function bundleToQuestions(instance: {stdin: {write(data: string): void}; lastFrame(): string | undefined}, up: string) {
	const {stdin, lastFrame} = instance;
	await waitFor(lastFrame, /❯ Generic mTLS/);
	stdin.write(keys.enter);
	await waitFor(lastFrame, /Where should/);
	await pointTo(instance, up, /❯ Export a bundle/);
	stdin.write(keys.enter);
	await waitFor(lastFrame, /Question 1 of 3/);
}

/** Then defaults and a token, up to the review. */
async function bundleToReview(instance: {stdin: {write(data: string): void}; lastFrame(): string | undefined}, up: string) {
	const {stdin, lastFrame} = instance;
	await bundleToQuestions(instance, up);
	stdin.write(keys.enter);
	await waitFor(lastFrame, /Question 2 of 3/);
	await type(instance, 'x');
	stdin.write(keys.enter);
	await waitFor(lastFrame, /Question 3 of 3/);
	stdin.write(keys.enter);
	await waitFor(lastFrame, /❯ Run it/);
}

/** The bundle plan reviewed and started, its run-started event sent; `exited` reads how the wizard ended. */
async function startBundleRun(t: ExecutionContext, controller: FakeController) {
	let exited: WizardExit | undefined;
	const instance = renderInk(t, <App controller={controller} onExit={result => (exited = result)} />);
	controller.setEnvironment(fullEnvironment);
	await bundleToReview(instance, 'k');
	instance.stdin.write(keys.enter);
	await waitFor(instance.lastFrame, /Issue CA, server and client certificates/);
	controller.emit({type: 'run-started', sessionId: 's-1', recipe: 'generic', target: 'bundle', total: 4});
	return {...instance, exited: () => exited};
}

test('the first frame shows the environment being checked, then the results as they arrive', async t => {
	const controller = fakeController();
	const {lastFrame, unmount} = renderInk(t, <App controller={controller} onExit={() => {}} />);
	t.regex(lastFrame() ?? '', /mtls-wizard/);
	t.regex(lastFrame() ?? '', /kubectl/);
	t.notRegex(lastFrame() ?? '', /v1\.32\.4/);
	await waitFor(lastFrame, /Which product needs mutual TLS\?/);
	controller.setEnvironment(fullEnvironment);
	const frame = await waitFor(lastFrame, /v1\.32\.4/);
	t.regex(frame, /✔ kubectl v1\.32\.4/);
	t.regex(frame, /✘ helm not found on PATH/);
	t.regex(frame, /✘ engine not reachable/);
	unmount();
});

test('recipe, target, questions with validation and Esc back, review, run, summary', async t => {
	const controller = fakeController();
	let exited: WizardExit | undefined;
	const {lastFrame, stdin, unmount} = renderInk(t, <App controller={controller} onExit={result => (exited = result)} />);
	controller.setEnvironment(fullEnvironment);
	await waitFor(lastFrame, /❯ Generic mTLS a CA, a server and a client certificate/);
	stdin.write(keys.enter);

	let frame = await waitFor(lastFrame, /Where should Generic mTLS be set up\?/);
	t.regex(frame, /Helm \(unavailable: helm: not found on PATH\)/);
	t.regex(frame, /Docker \(unavailable: docker engine: not reachable\)/);
	t.regex(frame, /Export a bundle files and apply\.sh/);
	t.regex(frame, /❯ kubectl/, 'the pointer starts on the first target that can be picked');
	stdin.write(keys.enter);

	frame = await waitFor(lastFrame, /Question 1 of 3/);
	t.regex(frame, /DNS name of the server/);
	t.regex(frame, /server\.example\.test/);
	stdin.write(keys.enter);

	frame = await waitFor(lastFrame, /Question 2 of 3/);
	stdin.write(keys.enter);
	await waitFor(lastFrame, /token: \(empty\) is required/);
	await type({stdin, lastFrame}, 's3cret');
	frame = await waitFor(lastFrame, /\*{6}/);
	t.notRegex(frame, /s3cret/);
	stdin.write(keys.enter);

	await waitFor(lastFrame, /Question 3 of 3/);
	await type({stdin, lastFrame}, 'ten');
	stdin.write(keys.enter);
	await waitFor(lastFrame, /days: "ten" is not a whole number/);
	stdin.write(keys.escape);
	frame = await waitFor(lastFrame, /Question 2 of 3/);
	t.regex(frame, /\*{6}/, 'the earlier answer is kept when going back');
	stdin.write(keys.enter);
	frame = await waitFor(lastFrame, /Question 3 of 3/);
	t.regex(frame, /› 825/, 'a rejected answer is not kept; the default shows again');
	await type({stdin, lastFrame}, '30');
	stdin.write(keys.enter);

	frame = await waitFor(lastFrame, /Review: 4 steps/);
	t.regex(frame, /^ {2}token {7}••••••••$/m, 'Review lists the answers, the secret one masked');
	t.regex(frame, /0600 {2}\/tmp\/out\/pki\/ca\.key/);
	stdin.write(keys.pageDown);
	frame = await waitFor(lastFrame, /\$ kubectl create secret generic agent-tls/);
	t.true(controller.calls.includes('review generic kubectl {"serverName":"server.example.test","token":"<secret>","days":"30"}'));
	stdin.write(keys.enter);

	frame = await waitFor(lastFrame, /· Wait for the agent to connect over mTLS/);
	controller.emit({type: 'run-started', sessionId: 's-1', recipe: 'generic', target: 'kubectl', total: 4});
	for (const [index, id] of ['certificates', 'verify', 'secret', 'confirm'].entries()) {
		controller.emit({type: 'step-started', stepId: id, kind: 'manual', title: `step ${id}`, index, total: 4});
		controller.emit({type: 'step-done', stepId: id, elapsedMs: 100});
	}

	controller.emit({type: 'run-finished', sessionId: 's-1', exitCode: 0, manualSteps: [['Hand ca.crt to the vendor.']]});
	frame = await waitFor(lastFrame, /✔ Done\./);
	t.regex(frame, /ca\.crt  CN=mtls-wizard CA  expires 2036-01-02/);
	t.regex(frame, /SHA-256 abcdef/);
	t.regex(frame, /Renew by 2035-12-03, 30 days before ca\.crt expires: mtls-wizard renew s-1/);
	const pages = [frame];
	for (let page = 0; !/\$ mtls-wizard run generic --target kubectl/.test(frame) && page < 5; page++) {
		stdin.write(keys.pageDown);
		frame = await waitForChange(lastFrame, frame, 'PgDn on the summary');
		pages.push(frame);
	}

	t.regex(pages.join('\n'), /secret demo\/agent-tls created/);
	t.regex(pages.join('\n'), /Proved by a mutual-TLS handshake on 127\.0\.0\.1/);
	t.regex(pages.join('\n'), /1\. Hand ca\.crt to the vendor\./);
	t.regex(frame, /The same run without the wizard\n {2}\$ mtls-wizard run generic --target kubectl --set serverName=api\.example\.test/);
	stdin.write(keys.enter);
	await tick();
	t.deepEqual(exited, {exitCode: 0, sessionId: 's-1'});
	unmount();
});

test('Ctrl-C on the summary of a finished run exits 0: nothing is interrupted and nothing is left to resume', async t => {
	const controller = fakeController();
	const {lastFrame, stdin, exited} = await startBundleRun(t, controller);
	for (const [index, id] of ['certificates', 'verify', 'secret', 'confirm'].entries()) {
		controller.emit({type: 'step-started', stepId: id, kind: 'manual', title: `step ${id}`, index, total: 4});
		controller.emit({type: 'step-done', stepId: id, elapsedMs: 100});
	}

	controller.emit({type: 'run-finished', sessionId: 's-1', exitCode: 0, manualSteps: []});
	await waitFor(lastFrame, /✔ Done\./);
	stdin.write(keys.ctrlC);
	await waitFor(() => (exited() ? 'exited' : ''), /exited/, 'the wizard to exit');
	t.deepEqual(exited(), {exitCode: 0, sessionId: 's-1'});
	t.false(controller.calls.includes('stop'), 'a finished run has nothing to stop');
});

test('Ctrl-C after a run finished, before its summary shows, exits 0 too', async t => {
	const controller = fakeController();
	let release = () => {};
	const summaryShown = new Promise<void>(resolve => {
		release = resolve;
	});
	const summary = controller.summary;
	controller.summary = async () => {
		await summaryShown;
		return summary();
	};

	const {stdin, exited} = await startBundleRun(t, controller);
	controller.emit({type: 'run-finished', sessionId: 's-1', exitCode: 0, manualSteps: []});
	await tick();
	stdin.write(keys.ctrlC);
	await waitFor(() => (exited() ? 'exited' : ''), /exited/, 'the wizard to exit');
	release();
	t.is(exited()?.exitCode, 0);
	t.false(controller.calls.includes('stop'));
});

test('a failed step offers Change answers: back to the questions on the answer at fault, then a new review and run', async t => {
	const controller = fakeController();
	const {lastFrame, stdin} = await startBundleRun(t, controller);
	controller.emit({type: 'step-started', stepId: 'certificates', kind: 'issue-certificates', title: 'Issue CA, server and client certificates', index: 1, total: 4});
	controller.emit({type: 'step-failed', stepId: 'certificates', message: 'days: "825" outlives the CA', lastLines: [], exitCode: 2});
	controller.emit({type: 'run-finished', sessionId: 's-1', exitCode: 2, manualSteps: []});
	let frame = await waitFor(lastFrame, /Change answers/);
	t.regex(frame, /Retry this step/);
	t.regex(frame, /Quit/);
	await pointTo({stdin, lastFrame}, 'j', /❯ Change answers/);
	stdin.write(keys.enter);
	frame = await waitFor(lastFrame, /Question 3 of 3/);
	t.true(controller.calls.includes('changeAnswers run'));
	t.regex(frame, /Certificate validity in days/, 'the cursor is on the answer at fault');
	t.regex(frame, /› 90/, 'with the answer the run had');
	await type({stdin, lastFrame}, keys.backspace);
	await type({stdin, lastFrame}, keys.backspace);
	await type({stdin, lastFrame}, '20');
	stdin.write(keys.enter);
	await waitFor(lastFrame, /❯ Run it/);
	t.true(controller.calls.some(call => call.startsWith('review generic kubectl') && call.includes('"days":"20"')), controller.calls.join('\n'));
	stdin.write(keys.enter);
	await waitFor(lastFrame, /Issue CA, server and client certificates/);
	t.is(controller.calls.filter(call => call === 'run').length, 2, 'the new plan runs from its review');
});

test('Ctrl-C during a run stops it, saves and exits 130 with the session to resume', async t => {
	const controller = fakeController();
	let exited: WizardExit | undefined;
	const {lastFrame, stdin, unmount} = renderInk(t, <App controller={controller} onExit={result => (exited = result)} />);
	controller.setEnvironment(fullEnvironment);
	await bundleToReview({stdin, lastFrame}, 'k');
	stdin.write(keys.enter);
	await waitFor(lastFrame, /Issue CA, server and client certificates/);
	controller.emit({type: 'step-started', stepId: 'certificates', kind: 'issue-certificates', title: 'Issue CA, server and client certificates', index: 0, total: 4});
	await waitFor(lastFrame, /q or Ctrl-C: stop and save/);
	stdin.write(keys.ctrlC);
	await waitFor(() => (exited ? 'exited' : ''), /exited/, 'the wizard to exit');
	t.deepEqual(exited, {exitCode: 130, sessionId: 's-1'});
	t.true(controller.calls.includes('stop'));
	unmount();
});

test('an unfinished session offers resume; resuming asks the secret answers again', async t => {
	const controller = fakeController({
		resumable: [
			{
				id: 's-9',
				recipe: 'generic',
				recipeTitle: 'Generic mTLS',
				target: 'kubectl',
				nextStep: 3,
				totalSteps: 4,
				savedAt: new Date('2026-01-01T10:00:00Z'),
				resumeQuestions: [{id: 'token', prompt: 'Agent token', secret: true}],
			},
		],
	});
	const {lastFrame, stdin, unmount} = renderInk(t, <App controller={controller} now={() => new Date('2026-01-01T10:05:00Z')} onExit={() => {}} />);
	let frame = await waitFor(lastFrame, /❯ Resume Generic mTLS on kubectl at step 3 of 4 \(saved 5 minutes ago\)/);
	t.regex(frame, /^mtls-wizard {2}Generic mTLS › kubectl$/m, 'the header names the recipe by its title');
	t.regex(frame, /Start new/);
	t.regex(frame, /Discard/);
	stdin.write(keys.enter);
	await waitFor(lastFrame, /Agent token/);
	await type({stdin, lastFrame}, 'tok');
	stdin.write(keys.enter);
	frame = await waitFor(lastFrame, /Wait for the agent to connect/);
	t.regex(frame, /✔ Issue CA, server and client certificates/);
	t.regex(frame, /· Create secret demo\/agent-tls/);
	t.true(controller.calls.includes('resume s-9 token'));
	unmount();
});

const saved = (id: string, target: 'bundle' | 'kubectl', minutesAgo: number) => ({
	id,
	recipe: 'generic',
	recipeTitle: 'Generic mTLS',
	target,
	nextStep: 2,
	totalSteps: 4,
	savedAt: new Date(Date.parse('2026-01-01T10:00:00Z') - minutesAgo * 60_000),
	resumeQuestions: [],
});
const tenOClock = () => new Date('2026-01-01T10:00:00Z');

test('Discard asks first: No keeps the session; Yes forgets it and goes to the recipe list', async t => {
	const controller = fakeController({resumable: [saved('s-9', 'bundle', 5)]});
	const {lastFrame, stdin, unmount} = renderInk(t, <App controller={controller} now={tenOClock} onExit={() => {}} />);
	await waitFor(lastFrame, /❯ Resume Generic mTLS on bundle/);
	await pointTo({stdin, lastFrame}, keys.down, /❯ Discard/);
	stdin.write(keys.enter);
	let frame = await waitFor(lastFrame, /Discard Generic mTLS on bundle at step 2 of 4 \(saved 5 minutes ago\)\?/);
	t.regex(frame, /❯ No, keep it/, 'the safe answer is the one under the pointer');
	stdin.write(keys.enter);
	frame = await waitFor(lastFrame, /❯ Resume Generic mTLS on bundle/);
	t.false(controller.calls.some(call => call.startsWith('discard')));
	await pointTo({stdin, lastFrame}, keys.down, /❯ Discard/);
	stdin.write(keys.enter);
	await waitFor(lastFrame, /❯ No, keep it/);
	stdin.write(keys.down);
	await waitFor(lastFrame, /❯ Yes, discard it/);
	stdin.write(keys.enter);
	await waitFor(lastFrame, /Which product needs mutual TLS\?/);
	t.deepEqual(controller.calls.filter(call => call.startsWith('discard')), ['discard s-9']);
	unmount();
});

test('every unfinished session is offered, newest first; discarding one asks which and keeps the others', async t => {
	const controller = fakeController({resumable: [saved('s-new', 'kubectl', 2), saved('s-old', 'bundle', 90)]});
	const {lastFrame, stdin, unmount} = renderInk(t, <App controller={controller} now={tenOClock} onExit={() => {}} />);
	let frame = await waitFor(lastFrame, /2 unfinished sessions were found, newest first\./);
	t.regex(frame, /❯ Resume Generic mTLS on kubectl at step 2 of 4 \(saved 2 minutes ago\)\n\s+Resume Generic mTLS on bundle at step 2 of 4 \(saved 1 hour ago\)/);
	await pointTo({stdin, lastFrame}, keys.down, /❯ Discard/);
	stdin.write(keys.enter);
	await waitFor(lastFrame, /Which session should be discarded\?/);
	await pointTo({stdin, lastFrame}, keys.down, /❯ Generic mTLS on bundle/);
	stdin.write(keys.enter);
	await waitFor(lastFrame, /❯ No, keep it/);
	stdin.write(keys.down);
	await waitFor(lastFrame, /❯ Yes, discard it/);
	stdin.write(keys.enter);
	frame = await waitFor(lastFrame, /An unfinished session was found\./);
	t.regex(frame, /❯ Resume Generic mTLS on kubectl/);
	t.notRegex(frame, /on bundle/);
	t.deepEqual(controller.calls.filter(call => call.startsWith('discard')), ['discard s-old']);
	stdin.write(keys.enter);
	await waitFor(lastFrame, /Wait for the agent to connect/);
	t.true(controller.calls.includes('resume s-new '));
	unmount();
});

for (const [leave, key] of [
	['Enter', keys.enter],
	['Ctrl-C', keys.ctrlC],
] as const) {
	test(`review can export the bundle instead of running; ${leave} on "Bundle written" exits 0, as the bundle is done`, async t => {
		const controller = fakeController();
		let exited: WizardExit | undefined;
		const {lastFrame, stdin, unmount} = renderInk(t, <App controller={controller} onExit={result => (exited = result)} />);
		await bundleToReview({stdin, lastFrame}, keys.up);
		stdin.write('j');
		await waitFor(lastFrame, /❯ Export the bundle/);
		stdin.write(keys.enter);
		await waitFor(lastFrame, /Bundle directory \(Enter for mtls-generic-bundle\)/);
		stdin.write(keys.enter);
		const frame = await waitFor(lastFrame, /Bundle written to mtls-generic-bundle \(2 files\)/);
		t.regex(frame, /apply\.sh/);
		t.true(controller.calls.includes('export mtls-generic-bundle'));
		stdin.write(key);
		await waitFor(() => JSON.stringify(exited) ?? '', /exitCode/, 'the wizard to exit');
		t.deepEqual(exited, {exitCode: 0});
		t.false(controller.calls.includes('stop'), 'nothing is stopped: the bundle is written');
		unmount();
	});
}

test('q on the recipe list quits with 0 and stops nothing', async t => {
	const controller = fakeController();
	let exited: WizardExit | undefined;
	const {lastFrame, stdin, unmount} = renderInk(t, <App controller={controller} onExit={result => (exited = result)} />);
	await waitFor(lastFrame, /❯ Generic mTLS/);
	stdin.write('q');
	await tick();
	t.deepEqual(exited, {exitCode: 0});
	t.false(controller.calls.includes('stop'));
	unmount();
});

test('Quit on the review saves the reviewed plan through the controller, shows how to continue and exits 0', async t => {
	const controller = fakeController();
	let exited: WizardExit | undefined;
	const {lastFrame, stdin, unmount} = renderInk(t, <App controller={controller} onExit={result => (exited = result)} />);
	await bundleToReview({stdin, lastFrame}, keys.up);
	for (const action of ['Export the bundle', 'Back', 'Quit']) {
		stdin.write(keys.down);
		await waitFor(lastFrame, new RegExp(`❯ ${action}`));
	}

	stdin.write(keys.enter);
	const frame = await waitFor(lastFrame, /Saved\. Continue with: mtls-wizard resume s-2 \(or mtls-wizard\)/);
	t.notRegex(frame, /Review: 4 steps/);
	await waitFor(() => (exited ? 'exited' : ''), /exited/, 'the wizard to exit');
	t.deepEqual(exited, {exitCode: 0, sessionId: 's-2'});
	t.is(controller.calls.filter(call => call === 'saveReviewed').length, 1);
	t.false(controller.calls.includes('run'));
	t.false(controller.calls.includes('stop'));
	unmount();
});

test('q on the review saves too; q typed on a question screen is an answer, not a quit', async t => {
	const controller = fakeController();
	let exited: WizardExit | undefined;
	const {lastFrame, stdin, unmount} = renderInk(t, <App controller={controller} onExit={result => (exited = result)} />);
	await bundleToQuestions({stdin, lastFrame}, keys.up);
	stdin.write('q');
	await waitFor(lastFrame, /› q/);
	t.is(exited, undefined);
	t.false(controller.calls.includes('saveReviewed'));
	unmount();

	const second = fakeController();
	const again = renderInk(t, <App controller={second} onExit={result => (exited = result)} />);
	await bundleToReview(again, keys.up);
	again.stdin.write('q');
	await waitFor(again.lastFrame, /Saved\. Continue with: mtls-wizard resume s-2/);
	await waitFor(() => (exited ? 'exited' : ''), /exited/, 'the wizard to exit');
	t.deepEqual(exited, {exitCode: 0, sessionId: 's-2'});
	t.deepEqual(second.calls.filter(call => call === 'saveReviewed'), ['saveReviewed']);
	again.unmount();
});

test('Ctrl-C on the review saves the reviewed plan and exits 130 with the session to resume', async t => {
	const controller = fakeController();
	let exited: WizardExit | undefined;
	const {lastFrame, stdin, unmount} = renderInk(t, <App controller={controller} onExit={result => (exited = result)} />);
	await bundleToReview({stdin, lastFrame}, keys.up);
	stdin.write(keys.ctrlC);
	await waitFor(() => (exited ? 'exited' : ''), /exited/, 'the wizard to exit');
	t.deepEqual(exited, {exitCode: 130, sessionId: 's-2'});
	t.deepEqual(controller.calls.filter(call => call === 'saveReviewed'), ['saveReviewed']);
	t.false(controller.calls.includes('run'));
	unmount();
});

test('Esc back to the product list keeps the pointer on that product, and picking it again restores its answers', async t => {
	const controller = fakeController();
	const {lastFrame, stdin, unmount} = renderInk(t, <App controller={controller} onExit={() => {}} />);
	await waitFor(lastFrame, /❯ Generic mTLS/);
	await pointTo({stdin, lastFrame}, keys.down, /❯ Steadybit/);
	stdin.write(keys.enter);
	await waitFor(lastFrame, /Where should Steadybit agent ↔ extensions be set up\?/);
	stdin.write(keys.enter);
	await waitFor(lastFrame, /Question 1 of 3/);
	await type({stdin, lastFrame}, 'kept.example.test');
	stdin.write(keys.enter);
	await waitFor(lastFrame, /Question 2 of 3/);
	stdin.write(keys.escape);
	await waitFor(lastFrame, /Question 1 of 3/);
	stdin.write(keys.escape);
	await waitFor(lastFrame, /Where should Steadybit/);
	stdin.write(keys.escape);
	const list = await waitFor(lastFrame, /Which product needs mutual TLS\?/);
	t.regex(list, /❯ Steadybit agent ↔ extensions/, 'the pointer stays on the product just left');
	stdin.write(keys.enter);
	await waitFor(lastFrame, /Where should Steadybit/);
	stdin.write(keys.enter);
	const question = await waitFor(lastFrame, /Question 1 of 3/);
	t.regex(question, /› kept\.example\.test/, 'the answer given before is restored');
	unmount();
});
