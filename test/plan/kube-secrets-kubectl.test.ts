/**
 * Fact check with the real kubectl: every kube-secret step of every recipe × target, created with
 * `kubectl create secret ... --dry-run=client -o yaml`, yields exactly the keys and the type the plan promises.
 */
import test from 'ava';
import {execFile} from 'node:child_process';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {parse} from 'yaml';
import type {KubeSecretStep, TargetId} from '../../source/plan/types.js';
import {kubectlPath} from '../support/kubectl.js';
import {fullAnswers, planFor} from './plan-for.js';

const run = promisify(execFile);
const kubectl = kubectlPath();

let dir: string;
let cert: string;
let key: string;

test.before(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'mtls-kube-secrets-'));
	cert = path.join(dir, 'pair.crt');
	key = path.join(dir, 'pair.key');
	// `kubectl create secret tls` parses the pair, so it gets a real one.
	await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=test', '-days', '1', '-keyout', key, '-out', cert]);
});

test.after.always(async () => {
	await rm(dir, {recursive: true, force: true});
});

async function create(step: KubeSecretStep): Promise<{type?: string; data: Record<string, string>; metadata: {name: string; namespace: string}}> {
	const args = ['create', 'secret'];
	if (step.type === 'tls') {
		const crt = step.files.find(f => f.key === 'tls.crt');
		const tlsKey = step.files.find(f => f.key === 'tls.key');
		if (!crt || !tlsKey) throw new Error(`${step.id}: a tls secret without tls.crt/tls.key`);
		args.push('tls', step.name, `--cert=${cert}`, `--key=${key}`);
	} else {
		args.push('generic', step.name);
		for (const [index, file] of step.files.entries()) {
			const local = path.join(dir, `${step.id}-${index}`);
			await writeFile(local, `dummy ${file.key}\n`);
			args.push(`--from-file=${file.key}=${local}`);
		}

		if (step.secretType) args.push(`--type=${step.secretType}`);
	}

	args.push('--namespace', step.namespace, '--dry-run=client', '-o', 'yaml');
	const {stdout} = await run(kubectl, args, {env: {...process.env, KUBECONFIG: path.join(dir, 'no-kubeconfig')}});
	return parse(stdout) as never;
}

/** The recipe × target plans that create kube secrets, and their steps: the cases kubectl has something to check. */
const withSecrets: Record<string, Partial<Record<TargetId, string[]>>> = {
	generic: {kubectl: ['secret-server', 'secret-client']},
	steadybit: {helm: ['secret-agent-client', 'secret-extension-server', 'secret-mtls-ca']},
	portainer: {helm: ['secret-portainer-mtls']},
	'sap-connectivity-proxy': {helm: ['secret-connectivity-tls', 'secret-connectivity-proxy-tls']},
	'harness-delegate': {kubectl: ['secret-client-certificate'], helm: ['secret-client-certificate']},
};

async function secretSteps(recipe: string, target: TargetId): Promise<KubeSecretStep[]> {
	const answers = fullAnswers[recipe]?.[target];
	if (!answers) throw new Error(`plan-for.ts has no answers for ${recipe} --target ${target}`);
	const plan = await planFor(recipe, target, answers.sets, answers.secrets);
	return plan.steps.filter((s): s is KubeSecretStep => s.kind === 'kube-secret');
}

const plannable = Object.entries(fullAnswers).flatMap(([recipe, targets]) => Object.keys(targets).map(target => ({recipe, target: target as TargetId})));

test('every other recipe × target plan creates no kube secret, so the cases below cover every secret planned', async t => {
	const others = plannable.filter(({recipe, target}) => !withSecrets[recipe]?.[target]);
	t.true(others.length < plannable.length);
	for (const {recipe, target} of others) {
		t.deepEqual((await secretSteps(recipe, target)).map(s => s.id), [], `${recipe} --target ${target}: add it to withSecrets`);
	}
});

for (const [recipe, targets] of Object.entries(withSecrets)) {
	for (const [target, expectedIds] of Object.entries(targets)) {
		test(`${recipe} --target ${target}: kubectl makes every secret with the planned keys and type`, async t => {
			const steps = await secretSteps(recipe, target as TargetId);
			// A plan that lost its secrets fails here instead of having nothing to check.
			t.deepEqual(steps.map(s => s.id), expectedIds);
			for (const step of steps) {
				const secret = await create(step);
				t.is(secret.metadata.name, step.name);
				t.is(secret.metadata.namespace, step.namespace);
				t.deepEqual(Object.keys(secret.data).sort(), step.files.map(f => f.key).sort(), step.id);
				// Without --type kubectl writes no type: field and the API server stores Opaque.
				t.is<string | undefined, string | undefined>(secret.type, step.type === 'tls' ? 'kubernetes.io/tls' : step.secretType, step.id);
			}
		});
	}
}

test('facts the recipes depend on: the steadybit CA-only secret is Opaque with tls.crt alone; a kubernetes.io/tls secret cannot be CA-only', async t => {
	const plan = await planFor('steadybit', 'helm', ['clusterName=c'], {agentKey: 'k'});
	const ca = plan.steps.find((s): s is KubeSecretStep => s.id === 'secret-mtls-ca')!;
	const secret = await create(ca);
	t.is<string | undefined, string | undefined>(secret.type, undefined, 'no type: the API server stores Opaque');
	t.deepEqual(Object.keys(secret.data), ['tls.crt']);
	// kubectl's tls generator refuses to make a secret without a key: the reason the CA-only secret is generic.
	const error = await t.throwsAsync(run(kubectl, ['create', 'secret', 'tls', 'ca-only', `--cert=${cert}`, '--dry-run=client', '-o', 'yaml']));
	t.regex(String((error as {stderr?: string}).stderr), /key/);
});
