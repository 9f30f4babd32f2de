/** @jsxRuntime automatic */
import test from 'ava';
import {ReviewScreen, type ReviewAction} from '../../source/ui/ReviewScreen.js';
import type {ReviewView} from '../../source/wizard/types.js';
import {keys, renderInk, renderInkSized, tick, waitFor} from '../support/ink-wait.js';

const longCommand =
	'helm upgrade --install steadybit-agent steadybit/steadybit-agent --namespace steadybit-agent --create-namespace --values /work/out/values.yaml --wait --timeout 300s';

const headlessCommand =
	"mtls-wizard run steadybit --target helm --set clusterName=prod-eu --set namespace=chaos --set extraDnsNames=extension.example.com --set 'agentImage=registry.example.com/steadybit/agent:2.4.2'";

const review: ReviewView = {
	answers: [
		{id: 'clusterName', shown: 'prod-eu', isDefault: false},
		{id: 'agentKey', shown: '••••••••', isDefault: false},
		{id: 'agentKeyPassphrase', shown: '', isDefault: false},
		{id: 'namespace', shown: 'steadybit-agent', isDefault: true},
	],
	certificates: ['CA: CN=mtls-wizard CA generated (3650 days, RSA 2048)', 'agent-client (client): CN=steadybit-agent (825 days, RSA 2048)'],
	headless: {command: headlessCommand, note: 'Export MTLS_WIZARD_ANSWER_AGENT_KEY (the secret answer agentKey) first: secret answers are never put on a command line.'},
	outDir: '/work/out',
	files: Array.from({length: 12}, (_, i) => ({path: `/work/out/certs/file-${i + 1}.pem`, mode: i % 2 === 0 ? '0644' : '0600'})),
	commands: [longCommand],
	steps: [{id: 'certificates', title: 'Issue certificates'}],
};

/** The command that starts with `start` in the frame, its ` \\` continuations joined back as the shell joins them. */
function commandIn(frame: string, start: string): string {
	const lines = frame.split('\n');
	const first = lines.findIndex(line => line.startsWith(`  $ ${start}`));
	if (first === -1) return '';
	let text = lines[first]!.slice(4);
	for (let i = first; text.endsWith(' \\'); i++) text = `${text.slice(0, -2)} ${lines[i + 1]!.trim()}`;
	return text;
}

/** Pages down until `expected` shows. */
async function pageTo(lastFrame: () => string | undefined, stdin: {write(data: string): void}, expected: RegExp): Promise<string> {
	for (let page = 0; !expected.test(lastFrame() ?? ''); page++) {
		if (page > 20) throw new Error(`never paged to ${String(expected)}:\n${lastFrame() ?? ''}`);
		const before = lastFrame();
		stdin.write(keys.pageDown);
		await waitFor(lastFrame, frame => frame !== before, 'the next page');
	}

	return lastFrame() ?? '';
}

test('the answers and the certificates come first, secrets masked, defaults marked, an empty answer says so', async t => {
	const {lastFrame} = renderInk(t, <ReviewScreen review={review} width={79} height={30} onAction={() => {}} />);
	const frame = await waitFor(lastFrame, /Answers \(4\)/);
	const lines = frame.split('\n');
	const at = (pattern: RegExp) => lines.findIndex(line => pattern.test(line));
	t.regex(frame, /^ {2}clusterName {9}prod-eu$/m);
	t.regex(frame, /^ {2}agentKey {12}••••••••$/m);
	t.regex(frame, /^ {2}agentKeyPassphrase {2}\(none\)$/m);
	t.regex(frame, /^ {2}namespace {11}steadybit-agent \(default\)$/m);
	t.regex(frame, /^ {2}agent-client \(client\): CN=steadybit-agent/m);
	t.true(at(/^Answers/) < at(/^Certificates/) && at(/^Certificates/) < at(/^Files to write/), frame);
});

test('at 80 columns commands wrap only between arguments with " \\", the equivalent headless command last, PgDn scrolls to them', async t => {
	const {lastFrame, stdin} = renderInk(t, <ReviewScreen review={review} width={79} height={14} onAction={() => {}} />);
	let frame = await waitFor(lastFrame, /Answers \(4\)/);
	t.regex(frame, /↓ \d+ more below {2}\(PgUp\/PgDn\)/);
	t.notRegex(frame, /helm upgrade/);
	await tick();
	frame = await pageTo(lastFrame, stdin, /--timeout 300s/);
	t.regex(frame, /more above/);
	t.is(commandIn(frame, 'helm upgrade'), longCommand, `the whole command is on screen:\n${frame}`);
	frame = await pageTo(lastFrame, stdin, /agentImage/);
	t.is(commandIn(frame, 'mtls-wizard run'), headlessCommand, frame);
	t.regex(frame, /^ {6}--set 'agentImage=registry\.example\.com\/steadybit\/agent:2\.4\.2'$/m, 'an option stays with its value, the quoted value whole');
	for (const line of frame.split('\n')) t.true(line.length <= 80, line);
	t.regex(frame, /The same plan without the wizard/);
});

test('the actions: run, export, back, quit (Esc is back, q is quit)', async t => {
	const chosen: ReviewAction[] = [];
	const {lastFrame, stdin, unmount} = renderInk(t, <ReviewScreen review={review} width={79} height={8} onAction={action => chosen.push(action)} />);
	await tick();
	stdin.write('j');
	await waitFor(lastFrame, /❯ Export the bundle instead/);
	stdin.write(keys.enter);
	await tick();
	stdin.write(keys.escape);
	// A lone Esc is only known once no more bytes follow it; Esc then q at once would read as Alt-q.
	await waitFor(() => chosen.join(), /back/, 'onBack to be called');
	stdin.write('q');
	await waitFor(() => chosen.join(), /quit/, 'onQuit to be called');
	t.deepEqual(chosen, ['export', 'back', 'quit']);
	unmount();
});

const pathsReview: ReviewView = {
	...review,
	outDir: '/home/operator/projects/chaos-engineering/customer  files/mtls-steadybit-production',
	files: [
		{path: '/home/operator/projects/chaos-engineering/customer  files/mtls-steadybit-production/certs/extension-server.crt', mode: '0644'},
		{path: '/home/operator/projects/chaos-engineering/customer  files/mtls-steadybit-production/certs/agent-client.key', mode: '0600'},
		{path: `/srv/${'a-directory-name-longer-than-any-terminal-row-'.repeat(4)}end/ca.crt`, mode: '0644'},
	],
};

for (const [columns, rows] of [
	[60, 20],
	[80, 24],
	[160, 50],
] as const) {
	test(`at ${columns}×${rows} every file path on Review wraps whole: no … and every character, spaces too, in order`, async t => {
		const width = columns - 1;
		const {lastFrame, stdin} = renderInkSized(t, <ReviewScreen review={pathsReview} width={width} height={rows - 10} onAction={() => {}} />, {columns, rows});
		let frame = await waitFor(lastFrame, /Answers \(4\)/);
		await tick();
		// The scrolled rows of every page, in order: between the screen's heading and the "more" line under them.
		const scrolled: string[] = [];
		for (;;) {
			const lines = frame.split('\n');
			const more = lines.findIndex(line => /more (above|below) {2}\(PgUp\/PgDn\)/.test(line));
			scrolled.push(...lines.slice(1, more === -1 ? lines.findIndex(line => /Run it/.test(line)) - 1 : more));
			if (!/↓ \d+ more below/.test(frame)) break;
			const before = frame;
			stdin.write(keys.pageDown);
			frame = await waitFor(lastFrame, shown => shown !== before, 'the next page');
		}

		for (const line of [...scrolled, ...frame.split('\n')]) t.true(line.length <= width && !line.includes('…'), `fits ${width} columns, nothing cut: ${line}`);
		const text = scrolled.join('\n');
		const heading = scrolled.findIndex(line => line.startsWith('Files to write (3), under '));
		const firstFile = scrolled.findIndex(line => /^ {2}06[04]{2} {2}/.test(line));
		const under = 'Files to write (3), under ';
		t.is(
			scrolled
				.slice(heading, firstFile)
				.map((row, i) => row.slice(i === 0 ? under.length : 2))
				.join(''),
			pathsReview.outDir,
			text,
		);
		// A file's first row starts with its mode, and its continuation rows are indented as far as its path.
		const files = scrolled.slice(firstFile, scrolled.findIndex(line => line.startsWith('Commands to run')));
		const rebuilt = files.join('\n').split(/\n(?= {2}06)/).map(rows => rows.split('\n').map(row => row.slice(8)).join(''));
		t.deepEqual(rebuilt, pathsReview.files.map(file => file.path), text);
	});
}
