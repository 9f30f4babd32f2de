import test from 'ava';
import {X509Certificate} from 'node:crypto';
import {copyFile, mkdir, mkdtemp, readFile, readdir, rm, stat} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {cliPath, runCli} from './support/run-cli.js';
import {acceptDefaults, openTerminal, pageDownTo, type Terminal} from './ui/tmux-terminal.js';
import {chainFile, opensslCa, opensslSignRequest} from './pki/support/openssl-ca.js';

async function setup(t: {teardown(fn: () => Promise<void>): void}) {
	const dir = await mkdtemp(join(tmpdir(), 'mtls-wizard-flow-'));
	const home = join(dir, 'home');
	const terminals: Terminal[] = [];
	t.teardown(async () => {
		await Promise.all(terminals.map(async terminal => terminal.close()));
		await rm(dir, {recursive: true, force: true});
	});
	const env: NodeJS.ProcessEnv = {...process.env, MTLS_WIZARD_HOME: home};
	// Colour and Ink's frame drawing both look at CI variables; each test sets what it is about.
	for (const key of Object.keys(env)) if (key === 'NO_COLOR' || key === 'CI' || key.startsWith('CI_') || key === 'CONTINUOUS_INTEGRATION') delete env[key];
	return {
		dir,
		home,
		async open(extraEnv: Record<string, string> = {}) {
			const terminal = await openTerminal(['env', ...Object.entries(extraEnv).map(([key, value]) => `${key}=${value}`), process.execPath, cliPath], {cwd: dir, env});
			terminals.push(terminal);
			return terminal;
		},
	};
}

async function pickGenericBundle(terminal: Terminal): Promise<void> {
	await terminal.waitFor(/❯ Any server and client/);
	await terminal.press('Enter');
	await terminal.waitFor(/Where should Any server and client be set up\?/);
	await terminal.waitFor(/❯ Export a bundle/);
	await terminal.press('Enter');
	await terminal.waitFor(/Question 1 of/);
}

test('generic recipe in a real 80×24 terminal: answer, review, run, summary with the real certificates', async t => {
	const {dir, open} = await setup(t);
	// As on a CI machine: the wizard must still draw every frame when it has a terminal.
	const terminal = await open({CI: 'true'});
	await terminal.waitFor([/mtls-wizard/, /kubectl/], 'the first screen with the environment check on it');
	await pickGenericBundle(terminal);
	// Waited for, not read once: tmux may be part-way through drawing the frame whose first line was awaited.
	await terminal.waitFor(/DNS name clients use to reach the server/);
	await terminal.type('api.test');
	await terminal.press('Enter');
	await terminal.waitFor(/Question 2 of/);
	await terminal.press('Escape');
	await terminal.waitFor([/Question 1 of/, /› api\.test/], 'Esc to return to the earlier answer, kept');
	await terminal.press('Enter');
	await terminal.waitFor(/Question 2 of/);

	const review = await acceptDefaults(terminal);
	t.regex(review, /^ {2}serverName {5}api\.test$/m, 'Review starts with the answers');
	const serverLine = /^ {2}server \(server\): CN=api\.test DNS:api\.test IP:127\.0\.0\.1/m;
	await pageDownTo(terminal, serverLine);
	await terminal.waitFor([serverLine, /❯ Run it/], 'the actions under the page with the server certificate');
	await pageDownTo(terminal, /0600 {2}\S+\/certs\/server\.key/);
	await terminal.press('Enter');

	const summary = await terminal.waitFor(/Press Enter to exit/, 'the summary after the run');
	t.regex(summary, /✔ Done\. Certificates are in /);
	const certs = join(dir, 'mtls-generic', 'certs');
	for (const name of ['ca.crt', 'server.crt', 'client.crt']) {
		const certificate = new X509Certificate(await readFile(join(certs, name)));
		const fingerprint = certificate.fingerprint256.replaceAll(':', '').toLowerCase();
		t.true(summary.includes(fingerprint), `${name} fingerprint ${fingerprint} is on the summary`);
		t.true(summary.includes(`expires ${new Date(certificate.validTo).toISOString().slice(0, 10)}`), `${name} expiry is on the summary`);
	}

	t.regex(summary, /server\.crt  CN=api\.test/);
	await pageDownTo(terminal, /Left for you to do/);
	for (const key of ['ca.key', 'server.key', 'client.key']) t.is((await stat(join(certs, key))).mode & 0o777, 0o600, `${key} is 0600`);
	for (const line of summary.split('\n')) t.true(line.length <= 80, `fits 80 columns: ${line}`);
	t.false(summary.includes('PRIVATE KEY'));

	await terminal.press('Enter');
	t.is(await terminal.exitStatus(), 0);
});

test('quit mid-run with q, start again, resume at the saved step, finish, leave the summary with Ctrl-C: exit 0', async t => {
	const {dir, home, open} = await setup(t);
	const first = await open({MTLS_WIZARD_TEST_PAUSE_BEFORE: 'verify-handshake'});
	await pickGenericBundle(first);
	await acceptDefaults(first);
	await first.press('Enter');
	await first.waitFor(/test pause before step verify-handshake/, 'the run to pause before the handshake step');
	await first.waitFor(/✔ Issue the CA/);
	await first.press('q');
	t.is(await first.exitStatus(), 130);
	t.regex(await first.screen(), /Interrupted; progress is saved\. Continue with: mtls-wizard resume \S+/);
	const sessions = await readdir(join(home, 'sessions'));
	t.is(sessions.filter(name => name.endsWith('.json')).length, 1);
	const saved = JSON.parse(await readFile(join(home, 'sessions', sessions.find(name => name.endsWith('.json'))!), 'utf8')) as {
		steps: Record<string, {state: string}>;
		outcome: string;
	};
	t.is(saved.outcome, 'interrupted');
	t.is(saved.steps['certificates']?.state, 'done');
	t.is(saved.steps['verify-handshake']?.state, 'pending');
	const caBefore = await readFile(join(dir, 'mtls-generic', 'certs', 'ca.crt'), 'utf8');

	const second = await open();
	await second.waitFor([/❯ Resume Any server and client on bundle at step 2 of 3 \(saved (just now|\d+ minutes? ago)\)/, /Start new/, /Discard/]);
	await second.press('Enter');
	const summary = await second.waitFor(/Press Enter to exit/, 'the summary after the run');
	t.regex(summary, /✔ Done\./);
	t.is(await readFile(join(dir, 'mtls-generic', 'certs', 'ca.crt'), 'utf8'), caBefore, 'the resumed run kept the CA issued before the quit');
	// A finished run is left with success however it is left, Ctrl-C included (Enter is the first test's way out).
	await second.press('C-c');
	// exitStatus waits for the line the terminal prints after the wizard's last output: the screen below is final.
	t.is(await second.exitStatus(), 0);
	t.notRegex(await second.screen(), /Interrupted/);

	const finished = JSON.parse(await readFile(join(home, 'sessions', sessions.find(name => name.endsWith('.json'))!), 'utf8')) as {outcome: string};
	t.is(finished.outcome, 'done');
});

test('q on the review saves the plan with every step pending; the next start resumes it at step 1 and runs it', async t => {
	const {dir, home, open} = await setup(t);
	const first = await open();
	await pickGenericBundle(first);
	await first.type('saved.test');
	await first.press('Enter');
	await first.waitFor(/Question 2 of/);
	const review = await acceptDefaults(first);
	const steps = Number(/Review: (\d+) steps/.exec(review)![1]);
	await first.press('q');
	const quit = await first.waitFor(/Saved\. Continue with: mtls-wizard resume \S+ \(or mtls-wizard\)/);
	t.is(await first.exitStatus(), 0);
	const id = /mtls-wizard resume (\S+)/.exec(quit)![1]!;

	const file = join(home, 'sessions', `${id}.json`);
	t.is((await stat(file)).mode & 0o777, 0o600);
	const saved = JSON.parse(await readFile(file, 'utf8')) as {
		answers: Record<string, unknown>;
		secretAnswers: string[];
		stepOrder: string[];
		steps: Record<string, {state: string}>;
		outcome: string;
		pid?: number;
	};
	t.is(saved.stepOrder.length, steps);
	t.deepEqual(Object.values(saved.steps).map(step => step.state), Array.from({length: steps}, () => 'pending'));
	t.is(saved.outcome, 'not-started');
	t.is(saved.pid, undefined);
	t.is(saved.answers['serverName'], 'saved.test');
	t.deepEqual(saved.secretAnswers, []);
	await t.throwsAsync(stat(join(dir, 'mtls-generic')), {code: 'ENOENT'}, 'quitting on the review runs nothing');

	const listed = await runCli(['sessions'], {env: {MTLS_WIZARD_HOME: home}});
	t.is(listed.exitCode, 0);
	t.regex(listed.stdout, new RegExp(`${id} +generic +bundle +0/${steps} +not-started `));
	t.regex(listed.stdout, new RegExp(`Continue the latest unfinished one with: mtls-wizard resume ${id}`));

	const second = await open();
	await second.waitFor(new RegExp(`❯ Resume Any server and client on bundle at step 1 of ${steps} \\(saved (just now|\\d+ minutes? ago)\\)`));
	await second.press('Enter');
	const summary = await second.waitFor(/Press Enter to exit/, 'the summary after the run');
	t.regex(summary, /✔ Done\./);
	t.regex(summary, /server\.crt  CN=saved\.test/, 'the resumed run used the answers saved on the review');
	t.regex(summary, new RegExp(`Session ${id}\\.`));
	await second.press('Enter');
	t.is(await second.exitStatus(), 0);
	const finished = JSON.parse(await readFile(file, 'utf8')) as {outcome: string; steps: Record<string, {state: string}>};
	t.is(finished.outcome, 'done');
	// The bundle's last step is the person's: listed to do, never recorded done.
	t.deepEqual(Object.values(finished.steps).map(step => step.state), [...Array.from({length: Object.keys(finished.steps).length - 1}, () => 'done'), 'to-do']);
});

/** SGR foreground colours: 30–37, 90–97 and the 38;… extended forms. */
const colourCode = /\u001B\[(?:[\d;]*;)?(?:3[0-7]|9[0-7]|38;[25];[\d;]+)m/;

test('colours by default, none with NO_COLOR; Ctrl-C before anything ran exits 130', async t => {
	const {open} = await setup(t);
	const coloured = await open();
	await coloured.waitFor(/❯ Any server and client/);
	t.regex(await coloured.styledScreen(), colourCode);

	const plain = await open({NO_COLOR: '1'});
	await plain.waitFor(/❯ Any server and client/);
	await plain.waitFor(/✔ kubectl|✘ kubectl/);
	t.notRegex(await plain.styledScreen(), colourCode);
	// The question screen's placeholder (the default shown dimmed) was drawn grey, \e[90m, even with NO_COLOR.
	await pickGenericBundle(plain);
	await plain.waitFor(/› localhost/);
	t.notRegex(await plain.styledScreen(), colourCode);
	await plain.press('C-c');
	t.is(await plain.exitStatus(), 130);
	t.regex(await plain.screen(), /mtls-wizard: Interrupted before anything ran\./);
});

test('review offers the bundle export: files, apply.sh and README.txt written, nothing run; Ctrl-C once it is written exits 0', async t => {
	const {dir, open} = await setup(t);
	const terminal = await open();
	await pickGenericBundle(terminal);
	await acceptDefaults(terminal);
	await terminal.press('j');
	await terminal.waitFor(/❯ Export the bundle instead/);
	await terminal.press('Enter');
	await terminal.waitFor(/Bundle directory \(Enter for mtls-generic-bundle\)/);
	await terminal.press('Enter');
	await terminal.waitFor([/Bundle written to .*mtls-generic-bundle \(\d+ files\)/, /apply\.sh/], 'the bundle to be written, apply.sh listed');
	const bundle = join(dir, 'mtls-generic-bundle');
	const files = await readdir(bundle, {recursive: true});
	t.true(files.includes('apply.sh'));
	t.true(files.includes('README.txt'));
	const keys = files.filter(file => file.endsWith('.key'));
	t.true(keys.length >= 3, `keys in the bundle: ${keys.join(', ')}`);
	for (const key of keys) t.is((await stat(join(bundle, key))).mode & 0o777, 0o600, `${key} is 0600`);
	// The export is done, so however it is left, Ctrl-C included, nothing was interrupted.
	await terminal.press('C-c');
	t.is(await terminal.exitStatus(), 0);
	t.notRegex(await terminal.screen(), /Interrupted/);
});

test('"My PKI signs the certificates": the run ends on where to put them; the next start resumes, asks for their directory, refuses a missing one under the question, then finishes', async t => {
	const {dir, home, open} = await setup(t);
	const first = await open();
	await pickGenericBundle(first);
	await first.type('pki.test');
	await first.press('Enter');
	await first.waitFor(/Question 2 of/);
	await acceptDefaults(first, async screen => {
		t.notRegex(screen, /Your own CA certificate/, 'no own-CA files are asked for unless your CA signs');
		if (!/Who signs the certificates\?/.test(screen)) return;
		t.regex(screen, /My PKI signs the certificates/);
		await first.press('Down');
		await first.press('Down');
		await first.waitFor(/❯ My PKI signs the certificates/);
	});
	await first.press('Enter');
	const waiting = await first.waitFor(/Enter or q quits/, 'the screen saying where the signed certificates go');
	t.regex(waiting, /Waiting for your PKI/);
	t.regex(waiting.replaceAll('\n', ''), /Put the signed certificates into\s*\S+mtls-generic\/signed as server\.crt, client\.crt/);
	t.regex(waiting.replaceAll('\n', ''), /mtls-wizard resume \S+ --signed/);
	await first.press('q');
	t.is(await first.exitStatus(), 0);
	const certs = join(dir, 'mtls-generic', 'certs');
	const signed = join(dir, 'mtls-generic', 'signed');
	const [saved] = (await readdir(join(home, 'sessions'))).filter(name => name.endsWith('.json'));
	t.is((JSON.parse(await readFile(join(home, 'sessions', saved!), 'utf8')) as {outcome: string}).outcome, 'awaiting-signature');

	const pki = join(dir, 'pki');
	await mkdir(pki);
	const root = await opensslCa(pki, {name: 'root', subject: '/CN=Corp Root'});
	await copyFile(await opensslSignRequest(pki, root, {name: 'server', csrPath: join(certs, 'server.csr')}), join(signed, 'server.crt'));
	await chainFile(signed, 'ca.crt', [root]);

	const second = await open();
	await second.waitFor(/❯ Resume Any server and client on bundle at step 1 of 3/);
	await second.press('Enter');
	await second.waitFor(/Directory of the certificates your PKI signed/);
	await second.press('Enter');
	// The explanation wraps: its end is waited for as well as its start.
	await second.waitFor(
		screen => /✘ .*client\.crt/.test(screen) && /client\.crt" does\s*not exist/.test(screen.replaceAll('\n', '')),
		'the missing client.crt explained under the question',
	);
	await copyFile(await opensslSignRequest(pki, root, {name: 'client', csrPath: join(certs, 'client.csr')}), join(signed, 'client.crt'));
	await second.press('Enter');
	const summary = await second.waitFor(/Press Enter to exit/, 'the summary after the resumed run');
	t.regex(summary, /✔ Done\./);
	t.regex(summary, /server\.crt {2}CN=pki\.test/);
	await second.press('Enter');
	t.is(await second.exitStatus(), 0);
	t.is((JSON.parse(await readFile(join(home, 'sessions', saved!), 'utf8')) as {outcome: string}).outcome, 'done');
});
