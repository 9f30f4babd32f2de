import test from 'ava';
import {execFile, spawn, type ChildProcess} from 'node:child_process';
import {X509Certificate, createPrivateKey} from 'node:crypto';
import {mkdtemp, readFile, readdir, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {cliPath} from '../support/run-cli.js';
import {openTerminal, questionHints, questionOrReview, reviewHints, type Terminal} from './tmux-terminal.js';
import {escapeRegExp} from '../support/escape-regexp.js';

/*
 * The wizard in a real terminal, typed at as a person types: every answer of the Steadybit recipe on the bundle
 * target (no engine needed; the run issues real certificates), with editing keys and a paste among them, once in
 * bursts and once key by key with the CPU busy. What was typed must come out exactly on Review, in the saved
 * session and in the certificates.
 */

const run = promisify(execFile);

const ctrlU = '\u0015';
const ctrlW = '\u0017';
const backspace = '\u007F';
const home = '\u001B[1~';
const end = '\u001B[4~';
const down = '\u001B[B';

/** The keys of one answer, and the answer they must leave. A paste arrives as a terminal paste, newline included. */
type Entry = {keys: string; paste?: true; twice?: true; choice?: true};

const passphrase = 'Correct horse 7!';
const answers = {
	namespace: 'chaos-lab-1',
	release: 'sb-edge',
	agentKeyPassphrase: passphrase,
	extraDnsNames: 'ext-a.example.test,ext-b.example.test',
	keyType: 'ecdsa-p256',
	leafDays: '397',
	caDays: '1234',
} as const;

/** Each question by its prompt, and the keys typed there. */
const entries: Array<{prompt: RegExp; entry: Entry}> = [
	// Ctrl-U clears the mistake; Home and End put text before and after what is there.
	{prompt: /Kubernetes namespace of the agent/, entry: {keys: `wrong-ns${ctrlU}lab${home}chaos-${end}-1`}},
	// Ctrl-W takes the last word back to its space, Backspace the space.
	{prompt: /Helm release name/, entry: {keys: `sb-edge old${ctrlW}${backspace}`}},
	{prompt: /Passphrase to encrypt the agent's client key/, entry: {keys: passphrase, twice: true}},
	{prompt: /More DNS names for the extension server certificate/, entry: {keys: `${answers.extraDnsNames}\n`, paste: true}},
	{prompt: /Key type of the new keys/, entry: {keys: down, choice: true}},
	// Asked whatever the key type; an ECDSA key has no RSA size, so the default is kept.
	{prompt: /RSA key size/, entry: {keys: '', choice: true}},
	{prompt: /Validity of the server and client certificates/, entry: {keys: answers.leafDays}},
	{prompt: /Validity of a generated CA/, entry: {keys: answers.caDays}},
	{prompt: /Who signs the certificates\?/, entry: {keys: '', choice: true}},
	{prompt: /Your own CA certificate/, entry: {keys: ''}},
];

/** Keys as a person presses them: an escape sequence is one key. */
const splitKeys = (keys: string) => keys.match(/\u001B\[\d*[~A-D]|[^]/gu) ?? [];

const sleep = async (ms: number) =>
	new Promise(resolve => {
		setTimeout(resolve, ms);
	});

/** Busy Node processes beside the wizard for the file's duration, so keys arrive while it is short of CPU. */
const burners: ChildProcess[] = [];
test.before(() => {
	for (let i = 0; i < 2; i++) burners.push(spawn(process.execPath, ['-e', 'for (;;) {}'], {stdio: 'ignore'}));
});
test.after.always(() => {
	for (const burner of burners) burner.kill('SIGKILL');
});

async function setup(t: {teardown(fn: () => Promise<void>): void}) {
	const dir = await mkdtemp(join(tmpdir(), 'mtls-wizard-typing-'));
	const homeDir = join(dir, 'home');
	const env: NodeJS.ProcessEnv = {...process.env, MTLS_WIZARD_HOME: homeDir};
	for (const key of Object.keys(env)) if (key === 'NO_COLOR' || key === 'CI' || key.startsWith('CI_') || key === 'CONTINUOUS_INTEGRATION') delete env[key];
	const terminal = await openTerminal([process.execPath, cliPath], {cwd: dir, env});
	t.teardown(async () => {
		await terminal.close();
		await rm(dir, {recursive: true, force: true});
	});
	return {dir, homeDir, terminal};
}

/** Moves the list pointer with j until it is on `label`. */
async function pointAt(terminal: Terminal, label: RegExp, what: string): Promise<void> {
	for (let moves = 0; ; moves++) {
		// Down to the list's key hints, its last row: a pointer row part-drawn would not match its label.
		const screen = await terminal.waitFor([/❯ /, /· q quit\s*$/], 'a list, drawn whole');
		if (label.test(screen)) return;
		if (moves > 12) throw new Error(`${what} is not in the list:\n${screen}`);
		const pointed = /❯ .*/.exec(screen)![0];
		await terminal.press('j');
		await terminal.waitFor(new RegExp(`❯ (?!${escapeRegExp(pointed.slice(2))})`), `the pointer to leave ${pointed}`);
	}
}

async function pick(terminal: Terminal, label: RegExp, what: string): Promise<void> {
	await pointAt(terminal, label, what);
	await terminal.press('Enter');
}

async function openSteadybitBundle(terminal: Terminal): Promise<void> {
	await terminal.waitFor(/Which product needs mutual TLS\?/);
	await pick(terminal, /❯ Steadybit/, 'Steadybit');
	await terminal.waitFor(/Where should Steadybit .* be set up\?/);
	await pick(terminal, /❯ Export a bundle/, 'Export a bundle');
	await terminal.waitFor(/Question 1 of/);
}

type Typist = (terminal: Terminal, keys: string) => Promise<void>;

/** All keys of an answer in one write, Enter in the same write. */
const inOneBurst: Typist = async (terminal, keys) => terminal.write(`${keys}\r`);

/** One key per write, 5 ms apart, Enter last. */
const keyByKey: Typist = async (terminal, keys) => {
	for (const key of [...splitKeys(keys), '\r']) {
		await terminal.write(key);
		await sleep(5);
	}
};

/** Answers every question from `entries` (one not there fails), each typed as soon as its screen shows; returns the review screen. */
async function answerAll(terminal: Terminal, typeAnswer: Typist): Promise<string> {
	for (;;) {
		// Drawn whole: the prompt that picks the answer is below the "Question n of m" line.
		const screen = await questionOrReview(terminal);
		if (/Review: \d+ steps/.test(screen)) return screen;

		const number = /Question (\d+) of/.exec(screen)![1]!;
		const found = entries.find(({prompt}) => prompt.test(screen));
		if (!found) throw new Error(`no answer is typed here for this question:\n${screen}`);
		const {entry} = found;
		if (entry.paste) await terminal.paste(entry.keys);
		else if (entry.choice) await (typeAnswer === inOneBurst ? terminal.write(`${entry.keys}\r`) : keyByKey(terminal, entry.keys));
		else {
			await typeAnswer(terminal, entry.keys);
			if (entry.twice) {
				await terminal.waitFor(/Type it again to confirm/, 'the confirmation entry');
				await typeAnswer(terminal, entry.keys);
			}
		}

		await terminal.waitFor(new RegExp(`Question (?!${number} )\\d+ of|Review: \\d+ steps`), `the question after question ${number}`);
	}
}

/** The review's scrolled part, page by page (PgDn), from the screen it starts on to its end. */
async function wholeReview(terminal: Terminal, first: string): Promise<string> {
	const pages = [first];
	while (/↓ \d+ more below/.test(pages.at(-1)!)) {
		const before = pages.at(-1)!;
		await terminal.press('NPage');
		// Down to Review's key hints: a page part-drawn would lose lines and could hide that more follow.
		pages.push(await terminal.waitFor(screen => screen !== before && reviewHints.test(screen), 'the next page of the review, drawn whole'));
	}

	return pages.join('\n');
}

/** The subject CN and SAN DNS names of a certificate, as openssl prints them. */
async function namesOf(file: string): Promise<{cn: string; dns: string[]}> {
	const {stdout} = await run('openssl', ['x509', '-in', file, '-noout', '-text']);
	const cn = /Subject:.*CN ?= ?([^,\n]+)/.exec(stdout)?.[1]?.trim() ?? '';
	const san = /X509v3 Subject Alternative Name:.*\n\s*(.*)/.exec(stdout)?.[1] ?? '';
	return {cn, dns: [...san.matchAll(/DNS:([^,\s]+)/g)].map(match => match[1]!)};
}

const dayMs = 24 * 60 * 60 * 1000;
const validDays = (certificate: X509Certificate) => Math.round((Date.parse(certificate.validTo) - Date.parse(certificate.validFrom)) / dayMs);

async function typeEverythingAndCheck(t: import('ava').ExecutionContext, typeAnswer: Typist): Promise<void> {
	const {dir, homeDir, terminal} = await setup(t);
	await openSteadybitBundle(terminal);
	const review = await wholeReview(terminal, await answerAll(terminal, typeAnswer));

	t.regex(review, /^ {2}namespace +chaos-lab-1$/m);
	t.regex(review, /^ {2}release +sb-edge$/m);
	t.regex(review, /^ {2}agentKeyPassphrase +•+$/m);
	t.regex(review, /^ {2}extraDnsNames +ext-a\.example\.test,ext-b\.example\.test$/m);
	t.regex(review, /^ {2}keyType +ecdsa-p256$/m);
	t.regex(review, /^ {2}days +397$/m);
	t.regex(review, /^ {2}caDays +1234$/m);
	t.false(review.includes(passphrase), 'the passphrase is not on the review');
	const service = (name: string) => `${answers.release}-extension-${name}.${answers.namespace}.svc.cluster.local`;
	const serverNames = [service('http'), service('kubernetes'), ...answers.extraDnsNames.split(',')];
	// Lines wrap where the screen ends; the names themselves must be there whole.
	const reviewWords = new Set(review.split(/\s+/));
	t.true(reviewWords.has(`CN=${service('http')}`), review);
	for (const name of serverNames) t.true(reviewWords.has(`DNS:${name}`), `DNS:${name} on the review`);
	const certs = join(dir, 'mtls-steadybit', 'certs');

	await terminal.press('Enter');
	await terminal.waitFor(/Press Enter to exit/, 'the summary after the run');

	const sessions = (await readdir(join(homeDir, 'sessions'))).filter(name => name.endsWith('.json'));
	t.is(sessions.length, 1);

	const sessionText = await readFile(join(homeDir, 'sessions', sessions[0]!), 'utf8');
	const session = JSON.parse(sessionText) as {answers: Record<string, unknown>; secretAnswers: string[]};
	t.false(sessionText.includes(passphrase), 'the passphrase is not in the session file');
	t.deepEqual(session.secretAnswers, ['agentKeyPassphrase']);
	t.like(session.answers, {namespace: answers.namespace, release: answers.release, keyType: answers.keyType});
	t.is(String(session.answers['extraDnsNames']), answers.extraDnsNames);
	t.is(String(session.answers['days']), answers.leafDays);
	t.is(String(session.answers['caDays']), answers.caDays);
	t.false('agentKeyPassphrase' in session.answers);

	const server = await namesOf(join(certs, 'extension-server.crt'));
	t.is(server.cn, service('http'));
	t.deepEqual(server.dns, serverNames);
	const serverCertificate = new X509Certificate(await readFile(join(certs, 'extension-server.crt')));
	t.is(validDays(serverCertificate), Number(answers.leafDays));
	t.is(serverCertificate.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
	t.is(validDays(new X509Certificate(await readFile(join(certs, 'ca.crt')))), Number(answers.caDays));

	// The agent's key opens with exactly the passphrase typed (twice), and belongs to its certificate.
	const agentKeyPem = await readFile(join(certs, 'agent-client.key'), 'utf8');
	t.regex(agentKeyPem, /BEGIN ENCRYPTED PRIVATE KEY/);
	const agentKey = createPrivateKey({key: agentKeyPem, passphrase});
	const agentCertificate = new X509Certificate(await readFile(join(certs, 'agent-client.crt')));
	t.true(agentCertificate.checkPrivateKey(agentKey));

	await terminal.press('Enter');
	t.is(await terminal.exitStatus(), 0);
}

test('every answer typed as one burst with its Enter (edits and a paste among them) comes out exactly on Review, in the session and in the certificates', async t => {
	await typeEverythingAndCheck(t, inOneBurst);
});

test('every answer typed key by key, 5 ms apart, with the CPU busy, comes out exactly on Review, in the session and in the certificates', async t => {
	await typeEverythingAndCheck(t, keyByKey);
});

test('a key written the moment a new screen shows, or in one write behind the key that opened it, is never lost', async t => {
	const {terminal} = await setup(t);
	await terminal.waitFor(/Which product needs mutual TLS\?/);
	await pointAt(terminal, /❯ Steadybit/, 'Steadybit');
	// Enter and k in one write: the target list opens and its pointer moves up from where it starts.
	await terminal.write('\rk');
	// Down to the list's key hints: the targets are parsed from it.
	const targets = await terminal.waitFor([/Where should Steadybit .* be set up\?/, /Esc back · q quit/], 'the target list, drawn whole');
	const items = targets.split('\n').filter(line => /^[❯ ] \S/.test(line) && !line.includes('Which product'));
	const start = items.findIndex(line => !line.includes('(unavailable:'));
	const above = items[(start + items.length - 1) % items.length]!.slice(2);
	t.true(start !== -1 && items.length > 1, targets);
	await terminal.waitFor(new RegExp(`❯ ${escapeRegExp(above)}`), `k, written with the Enter that opened the list, to move the pointer to ${above}`);
	await pick(terminal, /❯ Export a bundle/, 'Export a bundle');
	await terminal.waitFor(/Question 1 of/);
	const cycles = 15;
	for (let cycle = 0; cycle < cycles; cycle++) {
		// Question 1 has just appeared (first, or after Esc from question 2): a letter and Enter right away.
		await terminal.write('a');
		await terminal.write('\r');
		await terminal.waitFor(/Question 2 of/);
		// Question 2 has just appeared: Esc right away.
		await terminal.write('\u001B');
		await terminal.waitFor(/Question 1 of/);
	}

	const kept = /^› (a*) *$/m.exec(await terminal.waitFor([/Question 1 of/, questionHints], 'question 1, drawn whole'))?.[1] ?? '';
	t.is(kept.length, cycles, `letters kept of ${cycles} written right after question 1 appeared`);
});

test('the whole questionnaire in one write, own CA files and a refused answer corrected in the same write, lands answer by answer', async t => {
	const {dir, terminal} = await setup(t);
	await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.crt'), '-days', '3650', '-subj', '/CN=Burst Test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
	await terminal.waitFor(/❯ Any server and client/);
	await terminal.press('Enter');
	await terminal.waitFor(/❯ Export a bundle/);
	await terminal.press('Enter');
	await terminal.waitFor(/Question 1 of/);
	// Every answer is checked asynchronously at its question (the CA files are read there), and the keys behind each
	// Enter arrive while it is checked. missing.crt is refused: Ctrl-U and the right file follow in the same write.
	const answersInOrder = [
		'api.burst.test', // serverName
		'alt.burst.test', // extraDnsNames
		'', // serverIps: 127.0.0.1
		'burst-client', // clientCn
		'', // agents: one
		'', // keySize: 2048
		'', // keyType: rsa
		'400', // days
		'', // caDays
		'j', // caMode: the second choice, own-ca
		`missing.crt\r${ctrlU}ca.crt`, // caCert
		'ca.key', // caKey
		'', // caKeyPassphrase: none
	];
	await terminal.write(answersInOrder.map(keys => `${keys}\r`).join(''));
	const review = await wholeReview(terminal, await terminal.waitFor([/Review: \d+ steps/, reviewHints], 'Review after the one write, drawn whole'));
	t.regex(review, /^ {2}serverName +api\.burst\.test$/m);
	t.regex(review, /^ {2}extraDnsNames +alt\.burst\.test$/m);
	t.regex(review, /^ {2}clientCn +burst-client$/m);
	t.regex(review, /^ {2}days +400$/m);
	t.regex(review, /^ {2}caMode +own-ca$/m);
	t.regex(review, /^ {2}caCert +\S*ca\.crt$/m);
	t.regex(review, /^ {2}caKey +\S*ca\.key$/m);
	t.notRegex(review, /missing\.crt/);

	await terminal.press('Enter');
	await terminal.waitFor(/Press Enter to exit/, 'the summary after the run');
	const server = new X509Certificate(await readFile(join(dir, 'mtls-generic', 'certs', 'server.crt')));
	t.regex(server.subject, /CN=api\.burst\.test/);
	t.regex(server.issuer, /CN=Burst Test CA/);
	t.regex(server.subjectAltName ?? '', /DNS:alt\.burst\.test/);
	await terminal.press('Enter');
	t.is(await terminal.exitStatus(), 0);
});
