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
