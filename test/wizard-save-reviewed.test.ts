import test from 'ava';
import {createPrivateKey} from 'node:crypto';
import {mkdtemp, readFile, readdir, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createController} from '../source/wizard/create-controller.js';
import {runCli} from './support/run-cli.js';

const passphrase = 'correct horse battery staple';

test('a plan saved on the review keeps no secret answer; headless resume asks for it and runs the plan from step 1', async t => {
	const dir = await mkdtemp(join(tmpdir(), 'mtls-wizard-save-reviewed-'));
	t.teardown(async () => rm(dir, {recursive: true, force: true}));
	const home = join(dir, 'home');
	const env: NodeJS.ProcessEnv = {PATH: process.env['PATH'], MTLS_WIZARD_HOME: home};

	const controller = createController({env, cwd: dir});
	const review = await controller.review('steadybit', 'bundle', {namespace: 'chaos', agentKeyPassphrase: passphrase});
	const id = await controller.saveReviewed();

	const text = await readFile(join(home, 'sessions', `${id}.json`), 'utf8');
	t.false(text.includes(passphrase), 'the secret answer is not in the session file');
	const saved = JSON.parse(text) as {answers: Record<string, unknown>; secretAnswers: string[]; stepOrder: string[]; steps: Record<string, {state: string}>; outcome: string};
	t.deepEqual(saved.secretAnswers, ['agentKeyPassphrase']);
	t.is(saved.answers['namespace'], 'chaos');
	t.false('agentKeyPassphrase' in saved.answers);
	t.deepEqual(saved.stepOrder, review.steps.map(step => step.id));
	t.true(Object.values(saved.steps).every(step => step.state === 'pending'));
	t.is(saved.outcome, 'not-started');

	const missing = await runCli(['resume', id], {env, cwd: dir});
	t.is(missing.exitCode, 2);
	t.regex(missing.stderr, /agentKeyPassphrase \(secret\): needed to resume session .* Set MTLS_WIZARD_ANSWER_AGENT_KEY_PASSPHRASE/);

	const resumed = await runCli(['resume', id, '--json'], {env: {...env, MTLS_WIZARD_ANSWER_AGENT_KEY_PASSPHRASE: passphrase}, cwd: dir});
	t.is(resumed.exitCode, 0, resumed.stderr);
	const events = resumed.stdout.trim().split('\n').map(line => JSON.parse(line) as {type: string; stepId?: string; resumedAt?: number});
	const started = events.find(event => event.type === 'run-started');
	t.is(started?.resumedAt, undefined, 'a never-started session runs from its first step');
	t.deepEqual(events.filter(event => event.type === 'step-done' || event.type === 'step-to-do').map(event => event.stepId), saved.stepOrder);
	t.deepEqual(events.filter(event => event.type === 'step-to-do').map(event => event.stepId), ['use-bundle', 'use-bundle-passphrase'], 'the steps by hand are left to do');
	t.false(events.some(event => event.type === 'step-skipped'));

	// The passphrase given on resume is the one the agent key was encrypted with.
	const certs = join(dir, 'mtls-steadybit', 'certs');
	const encrypted: Array<{name: string; pem: string}> = [];
	for (const name of await readdir(certs)) {
		if (!name.endsWith('.key')) continue;
		const pem = await readFile(join(certs, name), 'utf8');
		if (pem.includes('ENCRYPTED PRIVATE KEY')) encrypted.push({name, pem});
	}

	t.is(encrypted.length, 1, `one encrypted key: ${encrypted.map(key => key.name).join(', ')}`);
	t.notThrows(() => createPrivateKey({key: encrypted[0]!.pem, passphrase}));
	t.throws(() => createPrivateKey({key: encrypted[0]!.pem, passphrase: 'wrong'}));
	const finished = JSON.parse(await readFile(join(home, 'sessions', `${id}.json`), 'utf8')) as {outcome: string};
	t.is(finished.outcome, 'done');
});
