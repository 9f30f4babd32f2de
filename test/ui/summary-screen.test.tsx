/** @jsxRuntime automatic */
import test from 'ava';
import {provedByHandshake} from '../../source/pki/handshake-cases.js';
import {SummaryScreen} from '../../source/ui/SummaryScreen.js';
import type {SummaryView} from '../../source/wizard/types.js';
import {keys, renderInk, tick, waitFor} from '../support/ink-wait.js';

const fingerprint = '75:03:B8:A8:D8:5C:12:E3:BB:8D:D2:CD:BE:8A:85:EE:96:92:94:B5:2D:CD:BF:46:5A:21:E6:A2:0A:96:52:A3';
const hex = fingerprint.replaceAll(':', '').toLowerCase();

const summary: SummaryView = {
	outDir: '/home/operator/projects/steadybit-rollout/mtls-steadybit/certs',
	sessionId: '20261202-013539-2329',
	certificates: [
		{file: 'ca.crt', subject: 'CN=mtls-wizard CA', notAfter: new Date('2036-11-29T00:00:00Z'), fingerprint},
		{file: 'extension-server.crt', subject: 'CN=steadybit-agent-extension-http.steadybit-agent.svc.cluster.local', notAfter: new Date('2029-03-06T00:00:00Z'), fingerprint},
	],
	deployed: [],
	manualSteps: [['Send ca.crt to the vendor.'], ['Check the agent in the platform UI.']],
	proved: provedByHandshake('steadybit-agent-extension-http.steadybit-agent.svc.cluster.local'),
	headless: {command: 'mtls-wizard run steadybit --target bundle --set namespace=steadybit-agent'},
};

/** Every line of the summary, paging down to the end. */
async function allLines(t: Parameters<typeof renderInk>[0], width: number, height: number) {
	const {lastFrame, stdin} = renderInk(t, <SummaryScreen summary={summary} width={width} height={height} onExit={() => {}} />);
	await tick();
	const frames = [lastFrame() ?? ''];
	while (/↓ \d+ more below/.test(frames.at(-1)!)) {
		const before = frames.at(-1)!;
		stdin.write(keys.pageDown);
		frames.push(await waitFor(lastFrame, frame => frame !== before, 'the next page'));
	}

	return frames;
}

const sizes: Array<[number, number]> = [
	[59, 15],
	[79, 19],
];
for (const [width, height] of sizes) {
	test(`at ${width + 1} columns and ${height} rows the summary cuts nothing: expiry dates, whole fingerprints and the directory`, async t => {
		const frames = await allLines(t, width, height);
		for (const frame of frames) {
			t.true(frame.split('\n').length <= height, `${frame.split('\n').length} rows fit ${height}:\n${frame}`);
			for (const line of frame.split('\n')) t.true(line.length <= width, `fits ${width} columns: ${line}`);
		}

		const text = frames.join('\n');
		t.regex(text, /expires 2036-11-29/);
		t.regex(text, /expires 2029-03-06/);
		const joined = text.replaceAll(/\n\s+/g, '');
		t.true(joined.includes(hex), 'the fingerprint is whole, on one line or split under itself');
		t.true(joined.includes(summary.outDir), 'the directory is whole');
		t.notRegex(text, /…/, 'nothing is cut with an ellipsis');
	});
}

test('the summary says what the local handshake proved, case by case, and lists what is left to do', async t => {
	const text = (await allLines(t, 99, 40)).join('\n');
	t.regex(text, /Proved by a mutual-TLS handshake on 127\.0\.0\.1\n {2}✔ client certificate from the CA: accepted, server name\s+steadybit-agent-extension-http\.steadybit-agent\.svc\.cluster\.local verified/);
	t.regex(text, / {2}✔ no client certificate: refused\n {2}✔ client certificate from another CA: refused\n {2}✔ wrong server name: refused by the client/);
	t.regex(text, /Left for you to do\n {2}1\. Send ca\.crt to the vendor\.\n {2}2\. Check the agent in the platform UI\./);
});
