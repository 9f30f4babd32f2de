import test from 'ava';
import {execFile} from 'node:child_process';
import {readdir, readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {parse, stringify} from 'yaml';
import type {EngineEvent} from '../../source/engine-events.js';
import type {ReviewView} from '../../source/wizard/types.js';
import {createController} from '../../source/wizard/create-controller.js';
import {startKubeEmulator} from '../support/kube-emulator/index.js';
import {runCli} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';
import {runEvents} from './support/run-to-end.js';

const run = promisify(execFile);
const contexts = ['east', 'west'] as const;

const doneSteps = (events: EngineEvent[]) => events.flatMap(event => (event.type === 'step-done' ? [event.stepId] : []));
const exitCode = (events: EngineEvent[]) => events.flatMap(event => (event.type === 'run-finished' ? [event.exitCode] : []))[0];

type SavedSession = {context?: string; contexts?: string[]; stepOrder: string[]; renewal?: {of: string}};

async function readSession(home: string, id: string): Promise<SavedSession> {
	return JSON.parse(await readFile(join(home, 'sessions', `${id}.json`), 'utf8')) as SavedSession;
}

/** The kubectl commands of a reviewed plan that name this context. */
const kubectlIn = (review: ReviewView, context: string) => review.commands.filter(command => command.startsWith('kubectl ') && command.includes(` --context ${context} `));

test('a session in two kube contexts keeps both through Change answers, Save on Review and the renewal saved from Review', async t => {
	const emulator = await startKubeEmulator();
	t.teardown(async () => emulator.stop());
	const dir = await tempDir(t, 'mtls-wizard-controller-contexts-');
	// Two context names for the one emulator: each context's steps reach it, so both runs can finish.
	const config = parse(await readFile(emulator.kubeconfigPath, 'utf8')) as {contexts: Array<{name: string; context: Record<string, string>}>};
	const own = config.contexts.find(entry => entry.name === emulator.context)!;
	const kubeconfig = join(dir, 'kubeconfig');
	await writeFile(kubeconfig, stringify({...config, contexts: [...config.contexts, ...contexts.map(name => ({name, context: own.context}))]}), {mode: 0o600});
	const home = join(dir, 'home');
	const env: NodeJS.ProcessEnv = {PATH: process.env['PATH'], ...emulator.env, KUBECONFIG: kubeconfig, MTLS_WIZARD_HOME: home};
	const kubectl = async (args: string[]) => run('kubectl', ['--context', emulator.context, ...args], {env});
	// Someone else's Opaque secret under the recipe's default name: kubectl cannot change its type, so the first run fails there.
	await kubectl(['create', 'secret', 'generic', 'mtls-server', '--namespace', 'default', '--from-literal=owner=someone-else']);

	const out = join(dir, 'out');
	const failed = await runCli(['run', 'generic', '--target', 'kubectl', '--context', 'east', '--context', 'west', '--out', out, '--yes'], {env, cwd: dir});
	t.is(failed.exitCode, 1, failed.stdout + failed.stderr);
	const [file] = await readdir(join(home, 'sessions'));
	const sessionId = file!.replace(/\.json$/, '');
	t.deepEqual((await readSession(home, sessionId)).contexts, [...contexts]);

	const controller = createController({env, cwd: dir});
	const revision = await controller.changeAnswers({sessionId, secrets: {}});
	const review = await controller.review('generic', 'kubectl', {...revision.answers, serverSecret: 'mtls-server-tls'});
	for (const context of contexts) {
		t.true(kubectlIn(review, context).some(command => command.includes('mtls-server-tls')), `Change answers: the server secret is planned in ${context}\n${review.commands.join('\n')}`);
		t.true(review.steps.some(step => step.id === `secret-server@${context}`), `a secret-server step for ${context}`);
	}

	t.regex(review.headless.command, /--context east --context west/);

	t.is(await controller.saveReviewed(), sessionId, 'Save keeps the failed session');
	const saved = await readSession(home, sessionId);
	t.deepEqual(saved.contexts, [...contexts]);
	t.true(contexts.every(context => saved.stepOrder.includes(`secret-server@${context}`)), saved.stepOrder.join(' '));

	const revised = await runEvents(async onEvent => controller.startRun('reviewed', onEvent));
	t.is(exitCode(revised), 0);
	for (const context of contexts) t.true(doneSteps(revised).includes(`secret-server@${context}`), `${context}: ${doneSteps(revised).join(' ')}`);

	// The finished deployment, renewed from Review and saved there: the saved renewal runs in both contexts too.
	const [deployment] = await controller.findDeployments();
	t.is(deployment?.id, sessionId);
	const renewal = await controller.reviewDeployment(sessionId, 'renew', {});
	for (const context of contexts) t.true(kubectlIn(renewal, context).length > 0, `the renewal deploys in ${context}\n${renewal.commands.join('\n')}`);
	const renewalId = await controller.saveReviewed();
	t.not(renewalId, sessionId);
	const savedRenewal = await readSession(home, renewalId);
	t.is(savedRenewal.renewal?.of, sessionId);
	t.deepEqual(savedRenewal.contexts, [...contexts]);

	const resumed = await runCli(['resume', renewalId, '--json'], {env, cwd: dir});
	t.is(resumed.exitCode, 0, resumed.stdout + resumed.stderr);
	const events = resumed.stdout.trim().split('\n').map(line => JSON.parse(line) as EngineEvent);
	for (const context of contexts) t.true(doneSteps(events).includes(`secret-server@${context}`), `resumed renewal in ${context}: ${doneSteps(events).join(' ')}`);
});
