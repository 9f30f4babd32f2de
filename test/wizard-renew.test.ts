import test from 'ava';
import {X509Certificate} from 'node:crypto';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {cliPath, runCli} from './support/run-cli.js';
import {openTerminal, pageDownTo} from './ui/tmux-terminal.js';
import {openssl} from './pki/support/openssl.js';

test('in a real 80×24 terminal the first screen offers the finished deployment above the products, without scrolling; renewing it runs and the summary shows the new certificates from the same CA', async t => {
	const dir = await mkdtemp(join(tmpdir(), 'mtls-wizard-renew-'));
	const env: NodeJS.ProcessEnv = {...process.env, MTLS_WIZARD_HOME: join(dir, 'home')};
	const out = join(dir, 'out');
	const certs = join(out, 'certs');
	const deployed = await runCli(['run', 'generic', '--target', 'bundle', '--out', out], {env});
	t.is(deployed.exitCode, 0, deployed.stdout + deployed.stderr);
	const id = /\(session (\S+)\)/.exec(deployed.stdout)?.[1];
	const fingerprint = async (name: string) => new X509Certificate(await readFile(join(certs, `${name}.crt`))).fingerprint256;
	const before = {ca: await fingerprint('ca'), server: await fingerprint('server'), client: await fingerprint('client')};

	const terminal = await openTerminal([process.execPath, cliPath], {cwd: dir, env});
	t.teardown(async () => {
		await terminal.close();
		await rm(dir, {recursive: true, force: true});
	});
	// The product list is taller than 80×24 shows; the entry heads it, on screen without scrolling, once the
	// deployments are read, and the pointer stays on the first product.
	await terminal.waitFor(
		[/Which product needs mutual TLS\?\n {2}Renew or rotate a deployment 1 finished deployment\n❯ Any server and client/, /↓ \d+ more below/],
		'the entry above the products, and the product list itself still scrolling',
	);
	await terminal.press('k');
	await terminal.waitFor(/❯ Renew or rotate a deployment 1 finished deployment/, 'the entry for the finished deployment');
	await terminal.press('Enter');
	await terminal.waitFor([
		/One finished deployment:/,
		/❯ Any server and client on bundle deployed (just now|\d+ minutes? ago)/,
		/(server|client)\.crt expires first, on \d{4}-\d\d-\d\d: 82[34] days left/,
	]);
	await terminal.press('Enter');
	await terminal.waitFor(/What should be done with Any server and client on bundle\?/);
	await terminal.waitFor(/❯ Renew the certificates \(same CA\)\s+new keys/);
	await terminal.press('Enter');
	await terminal.waitFor(/Review: \d+ steps/, 'the renewal on Review');
	await pageDownTo(terminal, new RegExp(`mtls-wizard renew ${id}`));
	await pageDownTo(terminal, /❯ Run it/);
	await terminal.press('Enter');

	const summary = await terminal.waitFor(/Press Enter to exit/, 'the summary after the renewal');
	const after = {ca: await fingerprint('ca'), server: await fingerprint('server'), client: await fingerprint('client')};
	t.is(after.ca, before.ca, 'the same CA');
	for (const leaf of ['server', 'client'] as const) {
		t.not(after[leaf], before[leaf], `${leaf}: renewed`);
		t.true(summary.includes(after[leaf].replaceAll(':', '').toLowerCase()), `${leaf}: the new fingerprint is on the summary`);
		const verified = await openssl(['verify', '-purpose', leaf === 'server' ? 'sslserver' : 'sslclient', '-CAfile', join(certs, 'ca.crt'), join(certs, `${leaf}.crt`)]);
		t.is(verified.code, 0, verified.stdout + verified.stderr);
	}

	await terminal.press('Enter');
	t.is(await terminal.exitStatus(), 0);
});
