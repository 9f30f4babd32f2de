/** @jsxRuntime automatic */
import test from 'ava';
import {FailurePanel} from '../../source/ui/FailurePanel.js';
import type {Failure} from '../../source/ui/run-state.js';
import {renderInkSized, waitFor} from '../support/ink-wait.js';

const command = [
	'kubectl create secret generic connectivity-proxy-tls -n connectivity-proxy',
	'--from-file=tls.key=/home/operator/work/mtls-sap-connectivity-proxy/certs/proxy.key',
	'--from-file=tls.crt=/home/operator/work/mtls-sap-connectivity-proxy/certs/proxy.crt',
	'--from-file=ca.crt=/home/operator/work/mtls-sap-connectivity-proxy/certs/ca.crt --context prod-eu-cluster',
].join(' ');

const failure: Failure = {
	stepId: 'tunnel-secret',
	title: 'Create secret connectivity-proxy/connectivity-proxy-tls',
	message: `${command} exited with code 1:\nerror: failed to create secret secrets "connectivity-proxy-tls" already exists`,
	command,
	lastLines: ['error: failed to create secret secrets "connectivity-proxy-tls" already exists'],
	exitCode: 1,
};

/**
 * The `$ ` command in the frame, joined back as the shell joins it: ` \` ends an argument, a bare `\` continues one
 * on the next row (which then starts at column 0).
 */
function commandIn(frame: string): string {
	const lines = frame.split('\n');
	let i = lines.findIndex(line => line.startsWith('$ '));
	let text = lines[i]!.slice(2);
	while (text.endsWith('\\')) text = text.endsWith(' \\') ? `${text.slice(0, -2)} ${lines[++i]!.trim()}` : `${text.slice(0, -1)}${lines[++i]!}`;
	return text;
}

const paths = ['proxy.key', 'proxy.crt', 'ca.crt'].map(file => `/home/operator/work/mtls-sap-connectivity-proxy/certs/${file}`);

for (const columns of [160, 80, 60]) {
	test(`at ${columns} columns the failing command is shown whole, wrapped between arguments, nothing cut with …`, async t => {
		const {lastFrame} = renderInkSized(t, <FailurePanel failure={failure} onChangeAnswers={() => undefined} width={columns - 1} height={30} onRetry={() => {}} onQuit={() => {}} />, {columns, rows: 50});
		const frame = await waitFor(lastFrame, /Retry this step/);
		t.false(frame.includes('…'), frame);
		t.is(commandIn(frame), command, frame);
		for (const line of frame.split('\n')) t.true(line.length < columns, `${line.length} columns: ${line}`);
		t.true(frame.replaceAll(/\n +/g, ' ').includes('✘ Create secret connectivity-proxy/connectivity-proxy-tls: the command below exited with code 1:'), frame);
		t.is(frame.split('--from-file=ca.crt=').length, 2, 'the command is shown once, not again in the message');
		t.regex(frame.replaceAll(/\n +/g, ' '), /already exists/);
		// A path wider than the screen cannot be kept whole; at 80 columns and up each one is.
		if (columns >= 80) for (const path of paths) t.true(frame.split('\n').some(line => line.includes(path)), `${path} is whole on one line:\n${frame}`);
	});
}
