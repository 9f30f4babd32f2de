/** @jsxRuntime automatic */
import test from 'ava';
import {QuestionScreen} from '../../source/ui/QuestionScreen.js';
import {keys, renderInk, tick, waitFor} from '../support/ink-wait.js';

test('a choice question starts on its default and answers with the picked value', async t => {
	const answers: string[] = [];
	const {lastFrame, stdin, unmount} = renderInk(
		t,
		<QuestionScreen
			question={{id: 'keySize', prompt: 'RSA key size', secret: false, defaultValue: '2048', choices: ['2048', '3072', '4096']}}
			position={{index: 4, total: 8}}
			validate={async () => undefined}
			onAnswer={value => answers.push(value)}
			onBack={() => {}}
		/>,
	);
	t.regex(lastFrame() ?? '', /Question 5 of 8/);
	t.regex(lastFrame() ?? '', /❯ 2048/);
	await tick();
	stdin.write('j');
	await waitFor(lastFrame, /❯ 3072/);
	stdin.write(keys.enter);
	await waitFor(() => answers.join(), /3072/, 'onAnswer with /3072/');
	t.deepEqual(answers, ['3072']);
	unmount();
});

test('Enter on an empty text answer takes the default; a secret is masked and its default never shown', async t => {
	const answers: string[] = [];
	const {lastFrame, stdin, unmount} = renderInk(
		t,
		<QuestionScreen
			question={{id: 'namespace', prompt: 'Namespace', secret: false, defaultValue: 'steadybit-agent', help: 'Created when missing.'}}
			position={{index: 0, total: 3}}
			validate={async () => undefined}
			onAnswer={value => answers.push(value)}
			onBack={() => {}}
		/>,
	);
	t.regex(lastFrame() ?? '', /Created when missing\./);
	t.regex(lastFrame() ?? '', /› steadybit-agent/);
	await tick();
	stdin.write(keys.enter);
	await waitFor(() => answers.join(), /steadybit-agent/, 'onAnswer with /steadybit-agent/');
	unmount();

	const secret = renderInk(
		t,
		<QuestionScreen
			question={{id: 'token', prompt: 'Agent key', secret: true}}
			position={{index: 1, total: 3}}
			initialValue="hunter2"
			validate={async () => undefined}
			onAnswer={() => {}}
			onBack={() => {}}
		/>,
	);
	t.regex(secret.lastFrame() ?? '', /› \*{7}/);
	t.notRegex(secret.lastFrame() ?? '', /hunter2/);
	secret.unmount();
});

test('a rejected answer shows the validation message and is not accepted; Esc goes back', async t => {
	const seen: string[] = [];
	const {lastFrame, stdin, unmount} = renderInk(
		t,
		<QuestionScreen
			question={{id: 'serverName', prompt: 'Server name', secret: false}}
			position={{index: 1, total: 3}}
			initialValue="bad name"
			validate={async value => `serverName: ${JSON.stringify(value)} is not a valid DNS name. Use letters, digits, '-' and '.'`}
			onAnswer={value => seen.push(`answer ${value}`)}
			onBack={() => seen.push('back')}
		/>,
	);
	await tick();
	stdin.write(keys.enter);
	await waitFor(lastFrame, /✘ serverName: "bad name" is not a valid DNS name/);
	stdin.write(keys.escape);
	await waitFor(() => seen.join(), /back/, 'onBack to be called');
	t.deepEqual(seen, ['back']);
	unmount();
});

const serverNameQuestion = {id: 'serverName', prompt: 'DNS name of the server', secret: false, defaultValue: 'server.example.test'};

/** The question screen with every answer it gives recorded. */
function answering(t: Parameters<typeof renderInk>[0], initialValue?: string) {
	const answers: string[] = [];
	const instance = renderInk(
		t,
		<QuestionScreen
			question={serverNameQuestion}
			position={{index: 0, total: 1}}
			initialValue={initialValue}
			validate={async () => undefined}
			onAnswer={value => answers.push(value)}
			onBack={() => {}}
		/>,
	);
	return {...instance, answers};
}

test('keys written faster than the screen renders all count, and an Enter right behind them submits them', async t => {
	const {stdin, answers} = answering(t);
	await tick();
	for (const character of 'cc-tunnel.example.com') stdin.write(character);
	stdin.write(keys.enter);
	await waitFor(() => answers.join(), /./, 'onAnswer after the typed keys and Enter');
	t.deepEqual(answers, ['cc-tunnel.example.com']);
});

test('a burst with its Enter in the same write, and a paste ending in a newline, submit exactly what was typed', async t => {
	const burst = answering(t);
	await tick();
	burst.stdin.write('agent.example.com\r');
	await waitFor(() => burst.answers.join(), /./, 'onAnswer after the burst');
	t.deepEqual(burst.answers, ['agent.example.com']);

	const paste = answering(t);
	await tick();
	paste.stdin.write('pasted.example.com\n');
	await waitFor(() => paste.answers.join(), /./, 'onAnswer after the paste');
	t.deepEqual(paste.answers, ['pasted.example.com']);
});

test('Ctrl-U, Ctrl-W, Ctrl-A/E and Home/End edit the answer instead of typing letters', async t => {
	const {stdin, lastFrame, answers} = answering(t, 'old.example.com');
	await tick();
	stdin.write(keys.ctrlU);
	stdin.write('agent wrong');
	stdin.write(keys.ctrlW);
	stdin.write(keys.ctrlW);
	stdin.write('example.com');
	stdin.write(keys.ctrlA);
	stdin.write('agent.');
	stdin.write(keys.ctrlE);
	stdin.write('.');
	stdin.write(keys.backspace);
	stdin.write(keys.home);
	stdin.write('my');
	stdin.write(keys.end);
	stdin.write('/');
	stdin.write(keys.backspace);
	await waitFor(lastFrame, /› myagent\.example\.com/);
	stdin.write(keys.enter);
	await waitFor(() => answers.join(), /./, 'onAnswer after the edits');
	t.deepEqual(answers, ['myagent.example.com']);
});

const passphraseQuestion = {id: 'agentKeyPassphrase', prompt: 'Passphrase to encrypt the agent key with', secret: true, confirm: true};

function confirming(t: Parameters<typeof renderInk>[0]) {
	const answers: string[] = [];
	const validated: string[] = [];
	const instance = renderInk(
		t,
		<QuestionScreen
			question={passphraseQuestion}
			position={{index: 0, total: 1}}
			validate={async value => {
				validated.push(value);
				return undefined;
			}}
			onAnswer={value => answers.push(value)}
			onBack={() => {}}
		/>,
	);
	return {...instance, answers, validated};
}

test('a confirm question asks the passphrase twice; a mismatch says so and asks both again', async t => {
	const {lastFrame, stdin, answers, validated} = confirming(t);
	await tick();
	t.notRegex(lastFrame() ?? '', /again to confirm/);
	stdin.write('s3cret\r');
	const again = await waitFor(lastFrame, /Type it again to confirm\./);
	t.regex(again, /›\s*$/, 'the second entry starts empty');
	t.notRegex(again, /s3cret/);
	stdin.write('s3cre7\r');
	const differ = await waitFor(lastFrame, /✘ The two entries differ\. Type it again, then once more to confirm\./);
	t.notRegex(differ, /again to confirm\.$/m, 'it asks from the first entry again');
	t.deepEqual(answers, [], 'a mismatch is not an answer');
	stdin.write('s3cret\r');
	await waitFor(lastFrame, /Type it again to confirm\./);
	stdin.write('s3cret\r');
	await waitFor(() => answers.join(), /./, 'onAnswer after two matching entries');
	t.deepEqual(answers, ['s3cret']);
	t.deepEqual(validated, ['s3cret'], 'only the confirmed answer is validated');
	t.notRegex(lastFrame() ?? '', /s3cret/, 'the passphrase is never shown');
});

test('both entries of a confirm question typed in one burst, faster than the screen renders, still match', async t => {
	const {stdin, answers} = confirming(t);
	await tick();
	for (const chunk of ['p', 'a', 's', 's', '\r', 'p', 'a', 's', 's', '\r']) stdin.write(chunk);
	await waitFor(() => answers.join(), /./, 'onAnswer after the burst');
	t.deepEqual(answers, ['pass']);
});

test('an empty answer to an optional confirm question (no passphrase) is taken without a second entry', async t => {
	const {lastFrame, stdin, answers} = confirming(t);
	await tick();
	stdin.write(keys.enter);
	await waitFor(() => answers.join('|'), () => answers.length > 0, 'onAnswer for the empty answer');
	t.deepEqual(answers, ['']);
	t.notRegex(lastFrame() ?? '', /again to confirm/);
});
