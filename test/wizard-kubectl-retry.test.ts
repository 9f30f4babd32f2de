import test from 'ava';
import {execFile} from 'node:child_process';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {parse, stringify} from 'yaml';
import {startKubeEmulator} from './support/kube-emulator/index.js';
import {cliPath} from './support/run-cli.js';
import {acceptDefaults, openTerminal, pageDownTo, type Terminal} from './ui/tmux-terminal.js';

const run = promisify(execFile);

test('kubectl target: a step fails against an unreachable cluster, the failure is explained, Retry finishes once the cluster answers', async t => {
	const emulator = await startKubeEmulator();
	const dir = await mkdtemp(join(tmpdir(), 'mtls-wizard-kubectl-'));
	let terminal: Terminal | undefined;
	t.teardown(async () => {
		await terminal?.close();
		await emulator.stop();
		await rm(dir, {recursive: true, force: true});
	});

	// The wizard uses the current context, as kubectl does: first the emulator's decoy (a closed port), later the emulator.
	const kubeconfig = join(dir, 'kubeconfig');
	const config = parse(await readFile(emulator.kubeconfigPath, 'utf8')) as Record<string, unknown>;
	await writeFile(kubeconfig, stringify({...config, 'current-context': emulator.decoyContext}), {mode: 0o600});
	const env: NodeJS.ProcessEnv = {...process.env, ...emulator.env, KUBECONFIG: kubeconfig, MTLS_WIZARD_HOME: join(dir, 'home')};
	terminal = await openTerminal([process.execPath, cliPath], {cwd: dir, env});

	await terminal.waitFor(/❯ Any server and client/);
	await terminal.press('Enter');
	await terminal.waitFor(/Where should Any server and client be set up\?/);
	await terminal.waitFor(/✔ context kube-emulator-unreachable/);
	await terminal.waitFor(/✔ kubectl v/, 'kubectl to be found, so its target can be picked');
	await terminal.press('j');
	await terminal.waitFor(/❯ kubectl manifest \/ secrets/);
	await terminal.press('Enter');
	const review = await acceptDefaults(terminal);
	t.regex(review, /↓ \d+ more below/);
	await pageDownTo(terminal, /\$ kubectl create/);
	// The whole page, down to Review's key hints, before judging what it does not show.
	const commands = await terminal.waitFor([/\$ kubectl create/, /save and quit/], 'the page with the kubectl commands, drawn whole');
	t.notRegex(commands, /BEGIN|PRIVATE KEY/);
	await terminal.press('Enter');

	// One wait for all of the failure screen: a capture can show its first rows before the rest is drawn.
	await terminal.waitFor(
		[/Retry this step/, /✘ Create secret mtls-server/, /\$ kubectl /, /✔ Prove client → server with a local mutual-TLS handshake/, /Quit \(session saved/],
		'the failed step to offer Retry and Quit, with the failing command shown and the certificates proved before the cluster was touched',
	);

	await writeFile(kubeconfig, stringify({...config, 'current-context': emulator.context}), {mode: 0o600});
	await terminal.press('Enter');
	const summary = await terminal.waitFor(/Press Enter to exit/, 'the summary after the run');
	t.regex(summary, /✔ Done\./);
	await pageDownTo(terminal, /Deployed/);
	await terminal.waitFor([/Deployed/, /mtls-server/], 'the deployed secrets under Deployed');

	for (const name of ['mtls-server', 'mtls-client']) {
		const {stdout} = await run('kubectl', ['get', 'secret', name, '--namespace', 'default', '-o', 'json'], {env});
		const secret = JSON.parse(stdout) as {type: string; data: Record<string, string>};
		t.is(secret.type, 'kubernetes.io/tls');
		t.deepEqual(Object.keys(secret.data).sort(), ['ca.crt', 'tls.crt', 'tls.key']);
	}

	await terminal.press('Enter');
	t.is(await terminal.exitStatus(), 0);
});
