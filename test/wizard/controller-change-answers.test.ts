import test, {type ExecutionContext} from 'ava';
import {execFile} from 'node:child_process';
import {readdir, readFile, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {parse, stringify} from 'yaml';
import type {EngineEvent} from '../../source/engine-events.js';
import type {WizardController} from '../../source/wizard/types.js';
import {createController} from '../../source/wizard/create-controller.js';
import {startKubeEmulator, type KubeEmulator} from '../support/kube-emulator/index.js';
import {runCli} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';
import {openssl} from '../pki/support/openssl.js';
import {runEvents} from './support/run-to-end.js';

const run = promisify(execFile);

/** "step-done certificates" for each step event, in order: what the run did with each step. */
const stepEvents = (events: EngineEvent[]) =>
	events.flatMap(event => (event.type === 'step-done' || event.type === 'step-skipped' || event.type === 'step-to-do' || event.type === 'step-failed' ? [`${event.type} ${event.stepId}`] : []));

const finished = (events: EngineEvent[]) => events.find((event): event is Extract<EngineEvent, {type: 'run-finished'}> => event.type === 'run-finished');

type SavedSession = {id: string; outDir: string; context?: string; answers: Record<string, unknown>; outcome: string; steps: Record<string, {state: string}>};

async function sessionFiles(home: string): Promise<string[]> {
	return (await readdir(join(home, 'sessions'))).filter(name => name.endsWith('.json'));
}

async function readSession(home: string, id: string): Promise<SavedSession & {text: string}> {
	const text = await readFile(join(home, 'sessions', `${id}.json`), 'utf8');
	return {...(JSON.parse(text) as SavedSession), text};
}

/** The certificates as the first run left them: contents and modification times, so a re-issue or a rewrite shows. */
async function certificateFiles(dir: string): Promise<Record<string, string>> {
	const names = (await readdir(dir)).filter(name => name.endsWith('.crt') || name.endsWith('.key')).sort();
	return Object.fromEntries(await Promise.all(names.map(async name => [name, `${(await stat(join(dir, name))).mtimeMs} ${await readFile(join(dir, name), 'utf8')}`] as const)));
}

/**
 * A cluster where the secret the generic recipe names by default, mtls-server, already exists as an Opaque secret of
 * someone else's: kubectl refuses to change a Secret's type, so the run fails on that answer.
 */
async function clusterWithTakenName(t: ExecutionContext, currentContext: 'emulator' | 'decoy') {
	const emulator: KubeEmulator = await startKubeEmulator();
	t.teardown(async () => emulator.stop());
	const dir = await tempDir(t, 'mtls-wizard-change-answers-');
	const kubeconfig = join(dir, 'kubeconfig');
	const config = parse(await readFile(emulator.kubeconfigPath, 'utf8')) as Record<string, unknown>;
	await writeFile(kubeconfig, stringify({...config, 'current-context': currentContext === 'emulator' ? emulator.context : emulator.decoyContext}), {mode: 0o600});
	const home = join(dir, 'home');
	const env: NodeJS.ProcessEnv = {PATH: process.env['PATH'], ...emulator.env, KUBECONFIG: kubeconfig, MTLS_WIZARD_HOME: home};
	const kubectl = async (args: string[]) => run('kubectl', ['--context', emulator.context, ...args], {env});
	await kubectl(['create', 'secret', 'generic', 'mtls-server', '--namespace', 'default', '--from-literal=owner=someone-else']);
	return {emulator, dir, home, env, kubectl};
}

const takenNameFailure = /Secret default\/mtls-server already exists with another type/;

test('Change answers end to end: the secret name at fault is asked again, the new plan continues the same session, the certificates are kept and the rest runs', async t => {
	const {dir, home, env, kubectl} = await clusterWithTakenName(t, 'emulator');
	const controller: WizardController = createController({env, cwd: dir});

	await controller.review('generic', 'kubectl', {});
	const first = await runEvents(async onEvent => controller.startRun('reviewed', onEvent));
	t.is(finished(first)?.exitCode, 1);
	t.deepEqual(stepEvents(first), ['step-done certificates', 'step-done verify-handshake', 'step-failed secret-server']);
	const failure = first.find(event => event.type === 'step-failed');
	t.regex(failure?.type === 'step-failed' ? failure.message : '', takenNameFailure);
	const sessionId = finished(first)!.sessionId;
	const certs = join(dir, 'mtls-generic', 'certs');
	const issued = await certificateFiles(certs);

	const revision = await controller.changeAnswers('run');
	t.is(revision.question, 'serverSecret', 'the wizard goes back to the question whose answer named the secret');
	t.like(revision, {recipe: 'generic', target: 'kubectl'});
	t.is(revision.answers['serverSecret'], 'mtls-server');
	const review = await controller.review('generic', 'kubectl', {...revision.answers, serverSecret: 'mtls-server-tls'});
	t.is(review.outDir, join(dir, 'mtls-generic'));
	t.true(review.commands.some(command => command.includes('mtls-server-tls')), 'the new plan names the new secret');

	const second = await runEvents(async onEvent => controller.startRun('reviewed', onEvent));
	t.like(second[0], {type: 'run-started', sessionId, resumedAt: 3});
	t.is(finished(second)?.exitCode, 0);
	t.deepEqual(stepEvents(second), ['step-skipped certificates', 'step-skipped verify-handshake', 'step-done secret-server', 'step-done secret-client', 'step-to-do mount-secrets']);
	t.deepEqual(await certificateFiles(certs), issued, 'the certificates were neither issued again nor rewritten');

	const {stdout} = await kubectl(['get', 'secret', 'mtls-server-tls', '--namespace', 'default', '-o', 'json']);
	const secret = JSON.parse(stdout) as {type: string; data: Record<string, string>};
	t.is(secret.type, 'kubernetes.io/tls');
	t.is(Buffer.from(secret.data['ca.crt']!, 'base64').toString('utf8'), await readFile(join(certs, 'ca.crt'), 'utf8'));
	const untouched = JSON.parse((await kubectl(['get', 'secret', 'mtls-server', '--namespace', 'default', '-o', 'json'])).stdout) as {type: string};
	t.is(untouched.type, 'Opaque', 'the secret that was someone else\'s is left as it was');

	t.deepEqual(await sessionFiles(home), [`${sessionId}.json`], 'one session from start to end');
	const saved = await readSession(home, sessionId);
	t.is(saved.answers['serverSecret'], 'mtls-server-tls');
	t.is(saved.outcome, 'done');
	t.is(saved.steps['mount-secrets']?.state, 'to-do');
});

test('Quit on the review after Change answers saves into the failed session (same id, directory and kube context), and resume finishes it', async t => {
	// The kube context is the one the session was run with, not the current one, which points at a closed port.
	const {emulator, dir, home, env, kubectl} = await clusterWithTakenName(t, 'decoy');
	const out = join(dir, 'out');
	const headless = await runCli(['run', 'generic', '--target', 'kubectl', '--context', emulator.context, '--out', out, '--yes'], {env, cwd: dir});
	t.is(headless.exitCode, 1, headless.stderr);
	const [file] = await sessionFiles(home);
	const sessionId = file!.replace(/\.json$/, '');

	const controller = createController({env, cwd: dir});
	const resumable = await controller.findResumable();
	t.deepEqual(resumable.map(session => session.id), [sessionId]);
	t.like(resumable[0], {nextStep: 3, totalSteps: 5}, 'it resumes at the secret that failed');
	const again = await runEvents(async onEvent => controller.startRun({sessionId, secrets: {}}, onEvent));
	t.deepEqual(stepEvents(again), ['step-skipped certificates', 'step-skipped verify-handshake', 'step-failed secret-server']);

	const revision = await controller.changeAnswers('run');
	t.is(revision.question, 'serverSecret');
	const review = await controller.review('generic', 'kubectl', {...revision.answers, serverSecret: 'mtls-server-tls'});
	t.is(review.outDir, out, 'the revision plans into the session\'s directory, not the wizard\'s default');
	t.regex(review.headless.command, /--context kube-emulator/);
	t.is(await controller.saveReviewed(), sessionId, 'the failed session is updated, not a new one made');

	t.deepEqual(await sessionFiles(home), [`${sessionId}.json`]);
	const saved = await readSession(home, sessionId);
	t.is(saved.context, emulator.context);
	t.is(saved.outDir, out);
	t.is(saved.answers['serverSecret'], 'mtls-server-tls');
	t.is(saved.outcome, 'failed');
	t.like(saved.steps, {certificates: {state: 'done'}, 'verify-handshake': {state: 'done'}, 'secret-server': {state: 'failed'}, 'secret-client': {state: 'pending'}});

	const resumed = await runCli(['resume', sessionId, '--json'], {env, cwd: dir});
	t.is(resumed.exitCode, 0, resumed.stdout + resumed.stderr);
	const events = resumed.stdout.trim().split('\n').map(line => JSON.parse(line) as EngineEvent);
	t.deepEqual(stepEvents(events), ['step-skipped certificates', 'step-skipped verify-handshake', 'step-done secret-server', 'step-done secret-client', 'step-to-do mount-secrets']);
	const {stdout} = await kubectl(['get', 'secret', 'mtls-server-tls', '--namespace', 'default', '-o', 'jsonpath={.type}']);
	t.is(stdout, 'kubernetes.io/tls');
});

/** The one encrypted key of a Steadybit bundle: the agent's. */
async function agentKey(certs: string): Promise<string> {
	const keys = await Promise.all((await readdir(certs)).filter(name => name.endsWith('.key')).map(async name => readFile(join(certs, name), 'utf8')));
	const encrypted = keys.filter(pem => pem.includes('BEGIN ENCRYPTED PRIVATE KEY'));
	if (encrypted.length !== 1) throw new Error(`expected one encrypted key in ${certs}, found ${encrypted.length}`);
	return encrypted[0]!;
}

/** Whether openssl opens the key with this passphrase (given through the environment, never argv). */
async function opensWith(t: ExecutionContext, dir: string, pem: string, passphrase: string): Promise<boolean> {
	const file = join(dir, `probe-${Math.random().toString(16).slice(2)}.key`);
	await writeFile(file, pem, {mode: 0o600});
	const result = await openssl(['pkey', '-in', file, '-passin', 'env:PROBE_PASSPHRASE', '-noout'], {PROBE_PASSPHRASE: passphrase});
	t.log(`openssl pkey with a passphrase: exit ${result.code}`);
	return result.code === 0;
}

test('a new key passphrase on Change answers issues the agent key again, encrypted with it; the same answers keep every certificate', async t => {
	const dir = await tempDir(t, 'mtls-wizard-passphrase-');
	const home = join(dir, 'home');
	const controller = createController({env: {PATH: process.env['PATH'], MTLS_WIZARD_HOME: home}, cwd: dir});
	const certs = join(dir, 'mtls-steadybit', 'certs');

	await controller.review('steadybit', 'bundle', {agentKeyPassphrase: 'first horse battery'});
	const first = await runEvents(async onEvent => controller.startRun('reviewed', onEvent));
	t.is(finished(first)?.exitCode, 0);
	const sessionId = finished(first)!.sessionId;
	const firstKey = await agentKey(certs);
	t.true(await opensWith(t, dir, firstKey, 'first horse battery'));

	const revision = await controller.changeAnswers('run');
	t.is(revision.answers['agentKeyPassphrase'], 'first horse battery', 'the passphrase of this run, from memory');
	await controller.review('steadybit', 'bundle', {...revision.answers, agentKeyPassphrase: 'second horse battery'});
	const changed = await runEvents(async onEvent => controller.startRun('reviewed', onEvent));
	t.like(changed[0], {type: 'run-started', sessionId});
	t.is(finished(changed)?.exitCode, 0);
	t.true(stepEvents(changed).includes('step-done certificates'), 'the certificates step runs again');
	const secondKey = await agentKey(certs);
	t.not(secondKey, firstKey);
	t.true(await opensWith(t, dir, secondKey, 'second horse battery'), 'the new key opens with the new passphrase');
	t.false(await opensWith(t, dir, secondKey, 'first horse battery'), 'and not with the old one');
	const kept = await certificateFiles(certs);

	await controller.changeAnswers('run');
	await controller.review('steadybit', 'bundle', {...revision.answers, agentKeyPassphrase: 'second horse battery'});
	const same = await runEvents(async onEvent => controller.startRun('reviewed', onEvent));
	t.is(finished(same)?.exitCode, 0);
	t.deepEqual(stepEvents(same).slice(0, 2), ['step-skipped certificates', 'step-skipped verify-handshake']);
	t.deepEqual(await certificateFiles(certs), kept, 'nothing changed, nothing issued');

	const saved = await readSession(home, sessionId);
	t.notRegex(saved.text, /horse battery/, 'no passphrase in the session');
	t.deepEqual(await sessionFiles(home), [`${sessionId}.json`]);
});
