import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import type {KubeSecretStep} from '../../source/plan/types.js';
import {kubeSecretRunner} from '../../source/steps/kube-secret.js';
import {startKubeEmulator} from '../support/kube-emulator/index.js';
import {execContext} from './support/step-context.js';
import {tempDir} from '../support/temp-dir.js';

test('kube-secret creates the namespace and a kubernetes.io/tls secret with ca.crt through the real kubectl, and a re-run updates it', async t => {
	const emulator = await startKubeEmulator();
	t.teardown(async () => emulator.stop());
	const dir = await tempDir(t, 'mtls-kube-');
	for (const name of ['tls.crt', 'tls.key', 'ca.crt']) await writeFile(join(dir, name), `${name} v1\n`, {mode: 0o600});
	const step: KubeSecretStep = {
		id: 'secret-server',
		title: 'Create secret',
		kind: 'kube-secret',
		namespace: 'mtls-test',
		context: emulator.context,
		name: 'mtls-server',
		type: 'generic',
		secretType: 'kubernetes.io/tls',
		files: ['tls.crt', 'tls.key', 'ca.crt'].map(key => ({key, path: join(dir, key)})),
		createNamespace: true,
	};
	// The emulator serves from this process, so kubectl must run asynchronously here (never execFileSync).
	const kubectl = async (args: string[]) => (await promisify(execFile)('kubectl', args, {env: emulator.env, encoding: 'utf8'})).stdout;
	// The decoy context is current: only --context makes kubectl reach the emulator.
	await kubectl(['config', 'use-context', emulator.decoyContext]);
	await kubeSecretRunner.run(step, execContext({env: emulator.env}));

	const read = async () =>
		JSON.parse(await kubectl(['get', 'secret', 'mtls-server', '-n', 'mtls-test', '--context', emulator.context, '-o', 'json'])) as {type: string; data: Record<string, string>};
	const created = await read();
	t.is(created.type, 'kubernetes.io/tls');
	t.deepEqual(Object.keys(created.data).sort(), ['ca.crt', 'tls.crt', 'tls.key']);

	await writeFile(join(dir, 'tls.crt'), 'tls.crt v2\n');
	await kubeSecretRunner.run(step, execContext({env: emulator.env}));
	t.is(Buffer.from((await read()).data['tls.crt']!, 'base64').toString(), 'tls.crt v2\n');
});
