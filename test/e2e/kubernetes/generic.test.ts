import {createPrivateKey, X509Certificate} from 'node:crypto';
import {copyFile, readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {runTool} from '../../support/kube-emulator/run-tool.js';
import {kubectlPath, shown, startCluster} from './support.js';

type SecretObject = {type: string; data: Record<string, string>};

test.serial('generic --target kubectl: both secrets are kubernetes.io/tls with ca.crt, created in a new namespace', async t => {
	const cluster = await startCluster(t, {});
	const out = join(cluster.scratch, 'out');
	const result = await cluster.cli(['run', 'generic', '--target', 'kubectl', '--set', 'namespace=mtls-demo', '--set', 'serverName=api.demo.test', '--out', out, '--yes']);
	t.is(result.exitCode, 0, shown(result));

	const namespace = await cluster.kubectl('get', 'namespace', 'mtls-demo', '-o', 'jsonpath={.status.phase}');
	t.is(namespace.stdout, 'Active', namespace.stderr);
	const caPem = await readFile(join(out, 'certs', 'ca.crt'), 'utf8');
	for (const [name, leaf] of [['mtls-server', 'server'], ['mtls-client', 'client']] as const) {
		const got = await cluster.kubectl('-n', 'mtls-demo', 'get', 'secret', name, '-o', 'json');
		t.is(got.exitCode, 0, got.stderr);
		const secret = JSON.parse(got.stdout) as SecretObject;
		t.is(secret.type, 'kubernetes.io/tls');
		t.deepEqual(Object.keys(secret.data).sort(), ['ca.crt', 'tls.crt', 'tls.key']);
		const decoded = (key: string) => Buffer.from(secret.data[key] ?? '', 'base64').toString('utf8');
		t.is(decoded('ca.crt'), caPem);
		// The stored pair is the issued pair, signed by the stored CA.
		const certificate = new X509Certificate(decoded('tls.crt'));
		t.true(certificate.verify(new X509Certificate(decoded('ca.crt')).publicKey), `${name}: tls.crt is not signed by ca.crt`);
		t.true(certificate.checkPrivateKey(createPrivateKey(decoded('tls.key'))), `${name}: tls.key does not match tls.crt`);
		if (leaf === 'server') t.regex(certificate.subjectAltName ?? '', /DNS:api\.demo\.test/);
		t.is(decoded('tls.crt'), await readFile(join(out, 'certs', `${leaf}.crt`), 'utf8'));
	}
});

test.serial('--context wins over a kubeconfig whose current-context points elsewhere; KUBECONFIG names that file', async t => {
	const cluster = await startCluster(t, {});
	const kubeconfig = join(cluster.scratch, 'kubeconfig-decoy-current');
	await copyFile(cluster.emulator.kubeconfigPath, kubeconfig);
	// The emulator's env keeps kubectl's HTTP cache (the gcloud kubectl dispatcher asks /version) out of ~/.kube.
	const switched = await runTool(kubectlPath(), ['config', 'use-context', cluster.emulator.decoyContext], {env: {...cluster.emulator.env, KUBECONFIG: kubeconfig}});
	t.is(switched.exitCode, 0, switched.stderr);
	const env = {KUBECONFIG: kubeconfig};

	// Without --context the run goes where the kubeconfig points (nothing listens there) and fails at the first secret.
	const astray = await cluster.cli(['run', 'generic', '--target', 'kubectl', '--set', 'namespace=ctx-demo', '--out', join(cluster.scratch, 'astray'), '--yes'], {env});
	t.is(astray.exitCode, 1, shown(astray));

	const result = await cluster.cli(['run', 'generic', '--target', 'kubectl', '--context', cluster.emulator.context, '--set', 'namespace=ctx-demo', '--out', join(cluster.scratch, 'out'), '--yes'], {env});
	t.is(result.exitCode, 0, shown(result));
	const secrets = await cluster.kubectl('--context', cluster.emulator.context, '-n', 'ctx-demo', 'get', 'secrets', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.type} {end}');
	t.is(secrets.stdout.trim(), 'mtls-client=kubernetes.io/tls mtls-server=kubernetes.io/tls', secrets.stderr);
});
