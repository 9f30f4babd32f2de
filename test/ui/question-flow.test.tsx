/** @jsxRuntime automatic */
import test from 'ava';
import {QuestionFlow} from '../../source/ui/QuestionFlow.js';
import {createController} from '../../source/wizard/create-controller.js';
import type {QuestionView} from '../../source/wizard/types.js';
import {keys, renderInk, tick, waitFor} from '../support/ink-wait.js';

/*
 * A question set that changes with the answers, as the recipes' own-CA questions do: "mode" decides whether the CA
 * certificate is asked, and a CA certificate given decides whether its key is. Until those answers are given, the
 * questions they decide are pending (counted, not asked), as the controller reports them.
 */
const all: QuestionView[] = [
	{id: 'name', prompt: 'Server name', secret: false, defaultValue: 'server.test'},
	{id: 'mode', prompt: 'Who signs?', secret: false, choices: ['generate', 'own-ca'], defaultValue: 'generate'},
	{id: 'caCert', prompt: 'Your CA certificate', secret: false},
	{id: 'caKey', prompt: 'Your CA key', secret: false},
];

function questionsFor(answers: Record<string, string>): QuestionView[] {
	const caCert = answers['mode'] === undefined ? 'pending' : answers['mode'] === 'own-ca' ? 'asked' : 'dropped';
	const caKey = answers['caCert'] === undefined ? (caCert === 'dropped' ? 'dropped' : 'pending') : answers['caCert'] === '' ? 'dropped' : 'asked';
	const state: Record<string, string> = {caCert, caKey};
	return all.filter(question => state[question.id] !== 'dropped').map(question => (state[question.id] === 'pending' ? {...question, pending: true} : question));
}

type Check = {value: string; release(problem?: string): void};

function flow(t: Parameters<typeof renderInk>[0], options: {heldChecks?: boolean; loadQuestions?: (answers: Record<string, string>) => Promise<QuestionView[]>} = {}) {
	const done: Array<Record<string, string>> = [];
	const checks: Check[] = [];
	const instance = renderInk(
		t,
		<QuestionFlow
			loadQuestions={options.loadQuestions ?? (async answers => questionsFor(answers))}
			validate={async (_question, value) => {
				if (!options.heldChecks) return undefined;
				return new Promise<string | undefined>(resolve => {
					checks.push({value, release: resolve});
				});
			}}
			initialAnswers={{}}
			startAtEnd={false}
			onDone={answers => done.push(answers)}
			onBack={() => {}}
			onError={message => {
				throw new Error(message);
			}}
		/>,
	);
	return {...instance, done, checks};
}

const countOf = (frame: string) => {
	const match = /Question (\d+) of (\d+)/.exec(frame);
	return match ? [Number(match[1]), Number(match[2])] : undefined;
};

/** The generic recipe's questions on the bundle target, from the real controller: its own-CA questions depend on answers. */
const generic = createController({env: {PATH: process.env['PATH']}, cwd: process.cwd()});
const genericQuestions = async (answers: Record<string, string>) => generic.questions('generic', 'bundle', answers);

for (const [signing, caCert, caKey] of [
	['generate', undefined, undefined],
	['own-ca', 'ca.crt', 'ca.key'],
	['own-ca', '', undefined],
] as const) {
	test(`"Question n of N" on the generic recipe counts up one at a time, never past N, and N never grows (${signing}, CA certificate ${JSON.stringify(caCert)})`, async t => {
		const {lastFrame, stdin, done} = flow(t, {loadQuestions: genericQuestions});
		const counts: number[][] = [];
		while (done.length === 0) {
			const frame = await waitFor(lastFrame, shown => done.length > 0 || (countOf(shown) !== undefined && String(countOf(shown)) !== String(counts.at(-1))), 'the next question or the end');
			if (done.length > 0) break;
			counts.push(countOf(frame)!);
			if (/Who signs the certificates\?/.test(frame)) stdin.write(signing === 'own-ca' ? 'j\r' : '\r');
			else if (/Your own CA certificate/.test(frame)) stdin.write(`${caCert}\r`);
			else if (/The private key of your own CA/.test(frame)) stdin.write(`${caKey}\r`);
			else stdin.write(keys.enter);
		}

		const questionsAtStart = (await genericQuestions({})).length;
		t.deepEqual(
			counts.map(([n]) => n),
			counts.map((_, i) => i + 1),
			'n counts each question asked',
		);
		for (const [i, [n, total]] of counts.entries()) {
			t.true(n! <= total!, `n ${n} is within its total ${total}: ${JSON.stringify(counts)}`);
			if (i > 0) t.true(total! <= counts[i - 1]![1]!, `the total never grows: ${JSON.stringify(counts)}`);
		}

		t.is(counts[0]![1], questionsAtStart, 'at the start every question that may be asked is counted');
		t.is(done[0]!['caMode'], signing);
		t.is(done[0]!['caCert'], caCert);
		t.is(done[0]!['caKey'], caKey);
		t.is('caKeyPassphrase' in done[0]!, caKey !== undefined, 'the passphrase of a CA key is asked only with a CA key');
	});
}

test('keys typed behind Enter while the answer is checked wait for the check, then land on the next question in order', async t => {
	const {lastFrame, stdin, checks, done} = flow(t, {heldChecks: true});
	await waitFor(lastFrame, /Question 1 of 4/);
	stdin.write('api.test\rj\r');
	await waitFor(() => String(checks.length), /1/, 'the check of the first answer');
	// The check is still running: the keys behind its Enter have not been typed into this question.
	await tick();
	t.regex(lastFrame() ?? '', /› api\.test/);
	t.is(checks[0]!.value, 'api.test');
	checks[0]!.release();
	// j moved the pointer of the next question to own-ca, and Enter picked it: its check is the second.
	await waitFor(() => String(checks.length), /2/, 'the check of the second answer, typed ahead');
	t.is(checks[1]!.value, 'own-ca');
	checks[1]!.release();
	await waitFor(lastFrame, /Your CA certificate/);
	t.deepEqual(done, []);
});

test('keys typed behind an Enter the check refuses stay on that question, in order: Ctrl-U and a new answer', async t => {
	const {lastFrame, stdin, checks} = flow(t, {heldChecks: true});
	await waitFor(lastFrame, /Question 1 of 4/);
	stdin.write(`bad name\r${keys.ctrlU}good.test\r`);
	await waitFor(() => String(checks.length), /1/, 'the check of the first answer');
	await tick();
	t.regex(lastFrame() ?? '', /› bad name/, 'the keys behind Enter wait for the check');
	checks[0]!.release('"bad name" is not a DNS name');
	await waitFor(() => String(checks.length), /2/, 'the check of the answer typed after the refused one');
	t.is(checks[1]!.value, 'good.test', 'Ctrl-U emptied the refused answer before the new one was typed');
	t.regex(lastFrame() ?? '', /Question 1 of 4/);
	checks[1]!.release();
	await waitFor(lastFrame, /Question 2 of 4/);
});
