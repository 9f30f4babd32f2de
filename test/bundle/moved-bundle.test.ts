import {createPrivateKey, createPublicKey, X509Certificate} from 'node:crypto';
import {copyFile, mkdir, readdir, readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {secretEnvName} from '../../source/recipes/collect-answers.js';
import {opensslCa} from '../pki/support/openssl-ca.js';
import {fullAnswers} from '../plan/plan-for.js';
import {runCli} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';
import {checkStandsAlone, finishedOnDisk, moveAway, shown, type Deployment} from './support/moved-bundle.js';

const manifestFixture = new URL('../fixtures/harness-delegate-manifest.yaml', import.meta.url);

/** A leaf key's public half; an encrypted one (Steadybit's agent key) opens with the passphrase the deployment was given. */
const publicKey = async (file: string, passphrase?: string) =>
	createPublicKey(createPrivateKey({key: await readFile(file), ...(passphrase ? {passphrase} : {})})).export({type: 'spki', format: 'pem'}).toString();
const certificates = (pem: string) => [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map(match => new X509Certificate(match[0]).fingerprint256);

/** Your own files a deployment reads, written where you run the wizard: the answers name them relative to it. */
async function userFiles(cwd: string): Promise<string[]> {
	await copyFile(manifestFixture, join(cwd, 'harness-delegate.yaml'));
	await writeFile(join(cwd, 'my-values.yaml'), 'image:\n  pullPolicy: IfNotPresent\n');
	await mkdir(join(cwd, 'charts', 'connectivity-proxy'), {recursive: true});
	await writeFile(join(cwd, 'charts', 'connectivity-proxy', 'Chart.yaml'), 'apiVersion: v2\nname: connectivity-proxy\nversion: 2.20.0\n');
	return ['extraValuesFile=./my-values.yaml'];
}

/** Every recipe and target, with your values file where the recipe takes one and the harness manifest and SAP chart as yours. */
function runCases(): Array<{name: string; deployment: Deployment}> {
	const cases: Array<{name: string; deployment: Deployment}> = [];
	for (const [recipe, targets] of Object.entries(fullAnswers)) {
		for (const [target, given] of Object.entries(targets)) {
			const sets = [...given.sets];
			if (target === 'helm' && recipe !== 'sap-connectivity-proxy') sets.push('extraValuesFile=./my-values.yaml');
			if (recipe === 'sap-connectivity-proxy' && target === 'helm') sets.push('chart=./charts/connectivity-proxy', 'baseValuesFile=./my-values.yaml');
			cases.push({name: `${recipe} --target ${target}`, deployment: {recipe, target: target as Deployment['target'], sets, secrets: given.secrets}});
		}
	}

	const portainer = fullAnswers['portainer']!;
	for (const target of ['docker', 'swarm'] as const) {
		cases.push({name: `portainer --target ${target}, a fleet`, deployment: {recipe: 'portainer', target, sets: [...portainer[target]!.sets, 'agents=edge-a,edge-b'], secrets: portainer[target]!.secrets}});
	}

	cases.push({name: 'generic --target kubectl, a fleet', deployment: {recipe: 'generic', target: 'kubectl', sets: ['agents=device-1,device-2'], secrets: {}}});
	return cases;
}

async function holdsNowhere(t: ExecutionContext, dir: string, text: string, what: string): Promise<void> {
	for (const entry of await readdir(dir, {recursive: true, withFileTypes: true})) {
		if (entry.isFile()) t.false((await readFile(join(entry.parentPath, entry.name), 'utf8')).includes(text), `${entry.name} does not hold ${what}`);
	}
}

const secretEnv = (secrets: Record<string, string>) => Object.fromEntries(Object.entries(secrets).map(([id, value]) => [secretEnvName(id), value]));

for (const {name, deployment} of runCases()) {
	// One export at a time: each issues keys, and many at once starve the other test files on 2 cores.
	test.serial(`run --export, ${name}: the bundle moved elsewhere, with the directory it was written from gone, holds every file apply.sh reads`, async t => {
		const cwd = await tempDir(t, 'mtls-written-here-');
		await userFiles(cwd);
		const sets = deployment.sets.flatMap(set => ['--set', set]);
		const result = await runCli(['run', deployment.recipe, '--target', deployment.target, ...sets, '--export', 'bundle'], {cwd, env: secretEnv(deployment.secrets)});
		t.is(result.exitCode, 0, shown(result));
		const moved = await moveAway(t, join(cwd, 'bundle'), [cwd]);
		const read = await checkStandsAlone(t, moved, [cwd]);
		if (sets.includes('extraValuesFile=./my-values.yaml') || sets.includes('baseValuesFile=./my-values.yaml')) {
			t.true(read.includes('inputs/my-values.yaml'), `apply.sh passes the carried copy of your values file: ${read.join(', ')}`);
			t.is(await readFile(join(moved, 'inputs', 'my-values.yaml'), 'utf8'), 'image:\n  pullPolicy: IfNotPresent\n');
		}

		if (sets.includes('chart=./charts/connectivity-proxy')) t.true(read.includes('inputs/connectivity-proxy'), 'and the carried copy of your local chart');
	});
}

test.serial('run --export with caMode=own-ca: the moved bundle holds your CA certificate and never its key', async t => {
	const cwd = await tempDir(t, 'mtls-written-here-');
	const ca = await opensslCa(cwd, {name: 'my-ca', subject: '/CN=My CA', days: 30});
	const result = await runCli(['run', 'generic', '--target', 'kubectl', '--set', 'caMode=own-ca', '--set', 'caCert=./my-ca.crt', '--set', 'caKey=./my-ca.key', '--set', 'days=5', '--export', 'bundle'], {cwd});
	t.is(result.exitCode, 0, shown(result));
	const caPem = await readFile(ca.certPath, 'utf8');
	const caKey = await readFile(ca.keyPath, 'utf8');
	const moved = await moveAway(t, join(cwd, 'bundle'), [cwd]);
	const read = await checkStandsAlone(t, moved, [cwd]);
	t.true(read.includes('certs/ca.crt'));
	t.deepEqual(certificates(await readFile(join(moved, 'certs', 'ca.crt'), 'utf8')), certificates(caPem), 'the CA the secrets carry is yours');
	await holdsNowhere(t, moved, caKey.trim(), 'your CA key');
});

/** Deployments renew exports: each target a recipe offers, fleets too, and your values file and manifest. */
const renewed: Array<{name: string; deployment: Deployment}> = [
	{name: 'portainer docker', deployment: {recipe: 'portainer', target: 'docker', sets: fullAnswers['portainer']!.docker!.sets, secrets: fullAnswers['portainer']!.docker!.secrets}},
	{name: 'portainer swarm fleet', deployment: {recipe: 'portainer', target: 'swarm', sets: [...fullAnswers['portainer']!.swarm!.sets, 'agents=edge-a,edge-b'], secrets: fullAnswers['portainer']!.swarm!.secrets}},
	{name: 'portainer docker fleet', deployment: {recipe: 'portainer', target: 'docker', sets: [...fullAnswers['portainer']!.docker!.sets, 'agents=edge-a,edge-b'], secrets: fullAnswers['portainer']!.docker!.secrets}},
	{name: 'portainer helm with your values file', deployment: {recipe: 'portainer', target: 'helm', sets: [...fullAnswers['portainer']!.helm!.sets, 'extraValuesFile=./my-values.yaml'], secrets: {}}},
	{name: 'harness-delegate kubectl with your manifest', deployment: {recipe: 'harness-delegate', target: 'kubectl', sets: fullAnswers['harness-delegate']!.kubectl!.sets, secrets: {}}},
	{name: 'steadybit helm', deployment: {recipe: 'steadybit', target: 'helm', sets: fullAnswers['steadybit']!.helm!.sets, secrets: fullAnswers['steadybit']!.helm!.secrets}},
	{name: 'generic kubectl fleet', deployment: {recipe: 'generic', target: 'kubectl', sets: ['agents=device-1,device-2'], secrets: {}}},
];

/** Each leaf key of a directory the wizard wrote (certs/ and agents/<name>/), by its path inside it. */
async function leafKeys(dir: string, passphrase?: string): Promise<Map<string, string>> {
	const keys = new Map<string, string>();
	for (const entry of await readdir(dir, {recursive: true, withFileTypes: true})) {
		const path = join(entry.parentPath, entry.name);
		if (entry.isFile() && entry.name.endsWith('.key') && entry.name !== 'ca.key' && !path.includes('/deployed/')) keys.set(path.slice(dir.length + 1), await publicKey(path, passphrase));
	}

	return keys;
}

async function renewExported(t: ExecutionContext, deployment: Deployment, reuseKeys: boolean) {
	const deployed = await finishedOnDisk(t, deployment, userFiles);
	const passphrase = deployment.secrets['agentKeyPassphrase'];
	const keysBefore = await leafKeys(deployed.out, passphrase);
	const result = await runCli(['renew', ...(reuseKeys ? ['--reuse-keys'] : []), '--export', 'renewal'], {cwd: deployed.dir, env: deployed.env});
	t.is(result.exitCode, 0, shown(result));
	const moved = await moveAway(t, join(deployed.dir, 'renewal'), [deployed.dir]);
	await checkStandsAlone(t, moved, [deployed.dir]);
	const keysAfter = await leafKeys(moved, passphrase);
	t.deepEqual([...keysAfter.keys()].sort(), [...keysBefore.keys()].sort(), 'every leaf renewed, in the same places');
	for (const [file, key] of keysAfter) {
		const before = keysBefore.get(file) ?? '';
		if (reuseKeys) t.is(key, before, `${file}: the deployed key, signed again`);
		else t.not(key, before, `${file}: a new key`);
	}

	return moved;
}

for (const {name, deployment} of renewed) {
	for (const reuseKeys of [false, true]) {
		test.serial(`renew${reuseKeys ? ' --reuse-keys' : ''} --export, ${name}: the moved bundle, with the deployment's directory gone, holds every file apply.sh reads`, async t => {
			await renewExported(t, deployment, reuseKeys);
		});
	}
}

test.serial('renew --reuse-keys --export of a caMode=own-ca deployment: the moved bundle holds your CA certificate, never its key, and the leaves it signed again', async t => {
	let ca: {certPath: string; keyPath: string} | undefined;
	const deployment: Deployment = {recipe: 'generic', target: 'kubectl', sets: ['caMode=own-ca', 'caCert=./my-ca.crt', 'caKey=./my-ca.key', 'days=5'], secrets: {}};
	const deployed = await finishedOnDisk(t, deployment, async dir => {
		ca = await opensslCa(dir, {name: 'my-ca', subject: '/CN=My CA', days: 30});
	});
	const [caPem, caKey] = await Promise.all([readFile(ca!.certPath, 'utf8'), readFile(ca!.keyPath, 'utf8')]);
	const result = await runCli(['renew', '--reuse-keys', '--export', 'renewal'], {cwd: deployed.dir, env: deployed.env});
	t.is(result.exitCode, 0, shown(result));
	const moved = await moveAway(t, join(deployed.dir, 'renewal'), [deployed.dir]);
	await checkStandsAlone(t, moved, [deployed.dir]);
	t.deepEqual(certificates(await readFile(join(moved, 'certs', 'ca.crt'), 'utf8')), certificates(caPem));
	t.true(new X509Certificate(await readFile(join(moved, 'certs', 'server.crt'))).checkIssued(new X509Certificate(caPem)), 'the renewed server certificate is signed by your CA');
	await holdsNowhere(t, moved, caKey.trim(), 'your CA key');
});

test.serial('renew --export within a rotation kept with --keep-old-ca: the bundle carries the rotation\'s ca-old-and-new.crt and names it relatively', async t => {
	const dir = await tempDir(t, 'mtls-deployed-');
	const env = {MTLS_WIZARD_HOME: join(dir, 'home')};
	const out = join(dir, 'out');
	for (const args of [['run', 'generic', '--target', 'bundle', '--out', out, '--yes'], ['rotate-ca', '--keep-old-ca', '--yes']]) {
		const result = await runCli(args, {cwd: dir, env});
		t.is(result.exitCode, 0, shown(result));
	}

	const [version] = await readdir(join(out, 'rotate-ca'));
	const both = await readFile(join(out, 'rotate-ca', version!, 'certs', 'ca-old-and-new.crt'), 'utf8');
	t.is(certificates(both).length, 2);
	const exported = await runCli(['renew', '--export', 'renewal'], {cwd: dir, env});
	t.is(exported.exitCode, 0, shown(exported));
	const moved = await moveAway(t, join(dir, 'renewal'), [dir]);
	await checkStandsAlone(t, moved, [dir]);
	t.is(await readFile(join(moved, 'certs', 'ca-old-and-new.crt'), 'utf8'), both, 'the trust file of the rotation, carried');
	const script = await readFile(join(moved, 'apply.sh'), 'utf8');
	t.regex(script, /^# by hand: Server: require client certificates signed by \.\/certs\/ca-old-and-new\.crt$/m);
});

test.serial('rotate-ca --export of a fleet, and --drop-old-ca --export after --keep-old-ca: moved, each bundle stands alone; phase 3 keeps the CA and leaves phase 2 issued', async t => {
	const dir = await tempDir(t, 'mtls-deployed-');
	const env = {MTLS_WIZARD_HOME: join(dir, 'home')};
	const out = join(dir, 'out');
	const wizard = async (args: string[]) => {
		const result = await runCli(args, {cwd: dir, env});
		t.is(result.exitCode, 0, shown(result));
	};

	await wizard(['run', 'generic', '--target', 'bundle', '--set', 'agents=device-1,device-2', '--out', out, '--yes']);
	await wizard(['rotate-ca', '--export', 'all-phases']);
	const allPhases = await moveAway(t, join(dir, 'all-phases'), []);
	await checkStandsAlone(t, allPhases, [dir]);
	t.regex(await readFile(join(allPhases, 'apply.sh'), 'utf8'), /^# by hand: On each device \(device-1, device-2\), replace its certificate and key with those of its new bundle, \.\/agents\/<name>\/, keeping \.\/certs\/ca-old-and-new\.crt as its ca\.crt/m);

	await wizard(['rotate-ca', '--keep-old-ca', '--yes']);
	const [version] = await readdir(join(out, 'rotate-ca'));
	const phase2 = join(out, 'rotate-ca', version!);
	const issued = new Map(await Promise.all(['certs/ca.crt', 'certs/server.crt', 'agents/device-1/client.crt', 'agents/device-2/client.crt'].map(async file => [file, await readFile(join(phase2, file), 'utf8')] as const)));
	await wizard(['rotate-ca', '--drop-old-ca', '--export', 'phase-3']);
	const phase3 = await moveAway(t, join(dir, 'phase-3'), [dir]);
	await checkStandsAlone(t, phase3, [dir]);
	for (const [file, pem] of issued) t.is(await readFile(join(phase3, file), 'utf8'), pem, `${file}: what phase 2 issued and deployed, not a new one`);
});
