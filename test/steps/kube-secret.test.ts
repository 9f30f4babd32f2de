import {readFile, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {parse} from 'yaml';
import {runCommandChecked} from '../../source/exec/run-command.js';
import type {KubeSecretStep} from '../../source/plan/types.js';
import {kubeSecretRunner} from '../../source/steps/kube-secret.js';
import {tempDir} from '../support/temp-dir.js';

// The real kubectl renders the Secret offline (--dry-run=client); no cluster is involved in this test.
async function render(step: KubeSecretStep): Promise<Record<string, any> & {fileMode: number}> {
	const [renderCommand] = kubeSecretRunner.commands(step);
	const env = {KUBECONFIG: join(tmpdir(), 'mtls-wizard-no-kubeconfig')};
	await runCommandChecked(renderCommand!, {env, signal: new AbortController().signal});
	const document = parse(await readFile(renderCommand!.outputFile!, 'utf8')) as Record<string, any>;
	return {...document, fileMode: (await stat(renderCommand!.outputFile!)).mode & 0o777};
}

test('kubectl renders the Secret with the exact data keys and type, into a 0600 file', async t => {
	const dir = await tempDir(t, 'mtls-kube-secret-');
	const files = {crt: join(dir, 'client.crt'), key: join(dir, 'client.key'), ca: join(dir, 'ca.crt')};
	await writeFile(files.crt, 'CERT\n');
	await writeFile(files.key, 'KEY s3cr3t\n');
	await writeFile(files.ca, 'CA\n');
	const base = {id: 'secret', title: 't', namespace: 'harness-delegate-ng', name: 'client-certificate', createNamespace: false} as const;

	const generic = await render({...base, kind: 'kube-secret', type: 'generic', files: [{key: 'client.crt', path: files.crt}, {key: 'client.key', path: files.key}]});
	t.is(generic.fileMode, 0o600);
	t.is(generic['kind'], 'Secret');
	t.is(generic['type'], undefined, 'kubectl leaves type out for Opaque');
	t.deepEqual(generic['metadata'], {creationTimestamp: null, name: 'client-certificate', namespace: 'harness-delegate-ng'});
	t.deepEqual(Object.keys(generic['data']).sort(), ['client.crt', 'client.key']);
	t.is(Buffer.from(generic['data']['client.key'], 'base64').toString(), 'KEY s3cr3t\n');

	const tls = await render({...base, kind: 'kube-secret', type: 'tls', files: [{key: 'tls.crt', path: files.crt}, {key: 'tls.key', path: files.key}, {key: 'ca.crt', path: files.ca}]});
	t.is(tls['type'], 'kubernetes.io/tls');
	t.deepEqual(Object.keys(tls['data']).sort(), ['ca.crt', 'tls.crt', 'tls.key']);

	const typed = await render({...base, kind: 'kube-secret', type: 'generic', secretType: 'kubernetes.io/tls', files: [{key: 'tls.crt', path: files.crt}, {key: 'tls.key', path: files.key}]});
	t.is(typed['type'], 'kubernetes.io/tls');
});
