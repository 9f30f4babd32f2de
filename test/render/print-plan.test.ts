import {readdir, stat} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {runCli} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';

const secret = 's3cr3t-TOKEN';

async function listing(dir: string): Promise<string[]> {
	const found: string[] = [];
	for (const entry of await readdir(dir, {withFileTypes: true, recursive: true})) {
		found.push(`${join(entry.parentPath, entry.name)} ${(await stat(join(entry.parentPath, entry.name))).mode.toString(8)}`);
	}

	return found.sort();
}

for (const target of ['docker', 'helm', 'kubectl'] as const) {
	test(`harness-delegate --target ${target} --dry-run prints every step and command, shows no secret and writes nothing`, async t => {
		const cwd = await tempDir(t, 'mtls-dry-run-');
		const manifest = new URL('../fixtures/harness-delegate-manifest.yaml', import.meta.url).pathname;
		const before = await listing(cwd);
		const sets = ['--set', 'delegateName=kubernetes-delegate', '--set', 'managerEndpoint=https://acme.agent.harness.io'];
		if (target !== 'kubectl') sets.push('--set', 'accountId=ACC');
		else sets.push('--set', `manifest=${manifest}`);
		const result = await runCli(['run', 'harness-delegate', '--target', target, ...sets, '--context', 'prod', '--dry-run'], {
			cwd,
			env: {MTLS_WIZARD_ANSWER_DELEGATE_TOKEN: secret},
		});
		t.is(result.stderr, '');
		t.is(result.exitCode, 0);
		t.false(result.stdout.includes(secret), 'the secret answer is never printed');
		t.false(result.stdout.includes(Buffer.from(secret).toString('base64')));
		t.deepEqual(await listing(cwd), before, 'a dry run writes nothing');
		t.regex(result.stdout, new RegExp(`^Plan for harness-delegate --target ${target}: \\d+ steps; output in ${cwd}/mtls-harness-delegate$`, 'm'));
		t.regex(result.stdout, /^1\. .*\[issue-certificates, id /m);
		t.regex(result.stdout, new RegExp(`writes ${cwd}/mtls-harness-delegate/certs/client.key \\(0600\\): private key \\(PKCS#8\\)`));
		if (target === 'docker') {
			t.regex(result.stdout, /^ {3}\$ docker run -d --name kubernetes-delegate -v .* -e TI_SERVICE_URL=https:\/\/acme\.agent\.harness\.io\/ti-service\/ .* -e DELEGATE_TOKEN -u root harness\/delegate:/m);
			t.notRegex(result.stdout, /--network/, 'the delegate runs on the default bridge, as the vendor runs it');
			t.regex(result.stdout, /DELEGATE_TOKEN: the secret answer delegateToken, handed to docker through its environment/);
		}

		if (target === 'helm') {
			t.regex(result.stdout, /^ {3}\| delegateToken: <redacted>$/m);
			// The client-certificate secret before it created the namespace: one kubectl create namespace, no --create-namespace.
			t.regex(result.stdout, /^ {3}\$ helm upgrade --install helm-delegate harness-delegate-ng --repo \S+ -n harness-delegate-ng --version 1\.0\.32 -f \S+ --wait --timeout \d+s --kube-context prod$/m);
			t.is(result.stdout.match(/\$ kubectl create namespace /g)?.length, 1);
		}

		if (target === 'kubectl') {
			t.regex(result.stdout, /^ {3}\$ kubectl apply -f \S+\/harness-delegate-mtls\.yaml -n harness-delegate-ng --context prod$/m);
			t.regex(result.stdout, /^ {3}\$ kubectl rollout status deployment\/kubernetes-delegate -n harness-delegate-ng --context prod --timeout=600s$/m);
			t.regex(result.stdout, /copy of .*harness-delegate-manifest\.yaml with: Point the delegate at the mTLS endpoint/);
		}
	});
}
