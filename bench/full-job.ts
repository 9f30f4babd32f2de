/**
 * The full job, wizard against by hand (issue 14 point 4): `mtls-wizard run steadybit --target docker` with fresh
 * certificates, through the built CLI against a private dockerd, versus a person doing the same job: the openssl
 * commands that make the same certificates, then the same docker commands and log follows the plan runs.
 *
 * Fairness, side by side:
 * - Both sides make new certificates every round, into a directory of their own: a CA and the plan's leaves with the
 *   key type and size, validity, keyUsage, EKU and SANs the plan's issue step asks for (the openssl side reads them
 *   from that step, so they cannot drift apart).
 * - The docker side runs exactly the commands the plan's runners return (what --dry-run prints and apply.sh runs), in
 *   plan order, with the secret agent key handed to `docker run -e NAME` through the environment as the wizard does;
 *   `onlyIfPreviousFailed` and `okExitCodes` are honoured as the runners honour them. A wait-for-log step is
 *   `docker logs -f` until its success pattern, then stop following, as a person watching the log does.
 * - The wizard does more: it proves the local mutual-TLS handshake and its refusal cases, connects to the running
 *   extension with and without the client certificate (tls-probe), judges every log line against the failure
 *   patterns, and saves the session after every step. None of that has a by-hand counterpart here.
 * - Rounds alternate (hand, wizard, hand, wizard...) so machine noise hits both alike; medians are compared.
 * Target: at most 1.0×.
 */
import {execFile, spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {loadavg, tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {buildPlan} from '../source/plan/build-plan.js';
import type {IssueCertificatesStep, Plan} from '../source/plan/types.js';
import {collectAnswers, secretEnvName} from '../source/recipes/collect-answers.js';
import {loadRecipe} from '../source/recipes/load-recipes.js';
import {runnerFor} from '../source/steps/registry.js';
import {secretEnvValues} from '../source/steps/secret-values.js';
import {freePort, inNamespace, startPrivateDocker} from '../test/support/private-docker.js';
import {buildStandInImage} from '../test/support/stand-in-image.js';

export const name = 'full-job';
/** Ratio of median wall times, wizard / by hand. */
export const target = 1;

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const openssl = '/usr/bin/openssl';

type Exit = {exitCode: number; stdout: string; stderr: string};

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function runFile(file: string, args: string[], options: {env: NodeJS.ProcessEnv; cwd?: string}): Promise<Exit> {
	return new Promise(resolve => {
		const child = execFile(file, args, {...options, maxBuffer: 64 * 1024 * 1024}, (error, stdout, stderr) => {
			resolve({exitCode: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr});
		});
		child.stdin?.end();
	});
}

async function mustRun(file: string, args: string[], options: {env: NodeJS.ProcessEnv; cwd?: string; okExitCodes?: number[]}): Promise<Exit> {
	const result = await runFile(file, args, options);
	if (result.exitCode !== 0 && !options.okExitCodes?.includes(result.exitCode)) {
		throw new Error(`${file} ${args.slice(0, 3).join(' ')} failed (exit ${result.exitCode}): ${`${result.stderr}\n${result.stdout}`.trim().split('\n').slice(-6).join('\n')}`);
	}

	return result;
}

/** `docker logs -f` until a line matches, then stop following: what a person watching the log does. */
function follow(container: string, pattern: RegExp, env: NodeJS.ProcessEnv): Promise<void> {
	return new Promise((resolve, reject) => {
		const child = spawn('docker', ['logs', '-f', container], {env, stdio: ['ignore', 'pipe', 'pipe']});
		let buffered = '';
		const onData = (chunk: Buffer) => {
			buffered += chunk.toString('utf8');
			if (pattern.test(buffered)) child.kill('SIGTERM');
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		child.on('close', () => (pattern.test(buffered) ? resolve() : reject(new Error(`docker logs -f ${container} ended without ${String(pattern)}`))));
	});
}

/**
 * The openssl commands a person types for the plan's issue step: genpkey per key (PKCS#8, as the wizard writes), a
 * self-signed CA with the wizard's CA extensions, then per leaf a request and its signature with the leaf's
 * keyUsage, EKU by role and SANs. One after another, as typed.
 */
async function certificatesByHand(step: IssueCertificatesStep, env: NodeJS.ProcessEnv): Promise<void> {
	if (step.ca.mode !== 'generate') throw new Error('the full-job bench expects a generated CA');
	const dir = step.dir;
	await mkdir(dir, {recursive: true, mode: 0o700});
	const run = async (args: string[]) => mustRun(openssl, args, {env, cwd: dir});
	const rsaKey = (file: string, bits: number) => run(['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${bits}`, '-out', file]);
	await rsaKey('ca.key', step.ca.keySize);
	await run([
		'req', '-x509', '-new', '-key', 'ca.key', '-sha256', '-days', String(step.ca.days), '-subj', `/CN=${step.ca.commonName}`,
		'-addext', 'basicConstraints = critical, CA:TRUE', '-addext', 'keyUsage = critical, keyCertSign, cRLSign', '-addext', 'subjectKeyIdentifier = hash', '-out', 'ca.crt',
	]);
	let serial = 1;
	for (const leaf of step.leaves) {
		if ((leaf.keyType ?? 'rsa') !== 'rsa') throw new Error('the full-job bench expects RSA leaves, the recipe default');
		const purposes = [...(leaf.role === 'client' ? [] : ['serverAuth']), ...(leaf.role === 'server' ? [] : ['clientAuth'])];
		const names = [...leaf.dnsNames.map(name => `DNS:${name}`), ...leaf.ipAddresses.map(address => `IP:${address}`)];
		const extensions = [
			'basicConstraints = critical, CA:FALSE',
			'keyUsage = critical, digitalSignature, keyEncipherment',
			`extendedKeyUsage = ${purposes.join(', ')}`,
			...(names.length > 0 ? [`subjectAltName = ${names.join(', ')}`] : []),
			'subjectKeyIdentifier = hash',
			'authorityKeyIdentifier = keyid',
		];
		await writeFile(join(dir, `${leaf.id}.ext`), `${extensions.join('\n')}\n`);
		await rsaKey(`${leaf.id}.key`, leaf.keySize);
		await run(['req', '-new', '-key', `${leaf.id}.key`, '-subj', `/CN=${leaf.commonName}`, '-out', `${leaf.id}.csr`]);
		await run([
			'x509', '-req', '-in', `${leaf.id}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', String(serial++),
			'-days', String(leaf.days), '-sha256', '-extfile', `${leaf.id}.ext`, '-out', `${leaf.id}.crt`,
		]);
	}
}

/** The plan's docker commands and log follows, in plan order, exactly as its runners return them; each step's time goes into `times`. */
async function deployByHand(plan: Plan, secrets: Record<string, string>, env: NodeJS.ProcessEnv, times: Record<string, number>): Promise<void> {
	for (const step of plan.steps) {
		const start = performance.now();
		await deployStepByHand(step, secrets, env);
		times[step.id] = performance.now() - start;
	}
}

/** One step of the plan by hand: its commands as its runner returns them, or a log followed until its success line. */
async function deployStepByHand(step: Plan['steps'][number], secrets: Record<string, string>, env: NodeJS.ProcessEnv): Promise<void> {
	if (step.kind === 'wait-for-log') {
		if (step.source.kind !== 'docker-container') throw new Error(`unexpected log source ${step.source.kind}`);
		await follow(step.source.container, new RegExp(step.success.map(s => s.pattern).join('|')), env);
		return;
	}

	let previousFailed = false;
	for (const command of runnerFor(step).commands(step)) {
		if (command.onlyIfPreviousFailed && !previousFailed) continue;
		const secretEnv = step.kind === 'docker-run' && command.args[0] === 'run' ? secretEnvValues(step.secretEnv, secrets, step.id) : {};
		const result = await mustRun(command.file, command.args, {env: {...env, ...secretEnv}, ...(command.okExitCodes ? {okExitCodes: command.okExitCodes} : {})});
		previousFailed = result.exitCode !== 0;
	}
}

/**
 * Runs the wizard with --json and notes when each event line arrives: where its wall time goes. A step's share is the
 * time from the event before it finished (run-started or the step before) to its step-done, so a step that ran
 * alongside the one before it counts only the time it added.
 */
function timedWizard(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<Record<string, number>> {
	return new Promise((resolve, reject) => {
		const start = performance.now();
		const child = spawn(file, args, {env, stdio: ['ignore', 'pipe', 'pipe']});
		const shares: Record<string, number> = {};
		let last = start;
		let pending = '';
		let output = '';
		child.stderr.on('data', (chunk: Buffer) => {
			output += chunk.toString('utf8');
		});
		child.stdout.on('data', (chunk: Buffer) => {
			const text = chunk.toString('utf8');
			output += text;
			pending += text;
			const lines = pending.split('\n');
			pending = lines.pop()!;
			const now = performance.now();
			for (const line of lines) {
				const event = JSON.parse(line) as {type: string; stepId?: string};
				if (event.type === 'run-started') shares['start-up'] = now - start;
				else if (event.type === 'step-done') shares[event.stepId!] = now - last;
				else continue;
				last = now;
			}
		});
		child.on('close', code => {
			shares['after the last step'] = performance.now() - last;
			if (code === 0) resolve(shares);
			else reject(new Error(`${file} ${args.slice(0, 4).join(' ')} failed (exit ${code}): ${output.trim().split('\n').slice(-6).join('\n')}`));
		});
	});
}

export async function measure(rounds = 7): Promise<{ok: boolean; report: string}> {
	const load = loadavg()[0]!.toFixed(1);
	const engine = await startPrivateDocker();
	const work = await mkdtemp(join(tmpdir(), 'mtls-bench-full-job-'));
	try {
		const [extensionImage, agentImage] = await Promise.all([
			buildStandInImage(engine.env, 'steadybit-extension'),
			buildStandInImage(engine.env, 'steadybit-agent'),
		]);
		const port = await freePort();
		const sets = [`extensionImage=${extensionImage}`, `agentImage=${agentImage}`, `extensionPort=${port}`];
		const env: NodeJS.ProcessEnv = {...engine.env, NO_COLOR: '1', MTLS_WIZARD_HOME: join(work, 'home'), [secretEnvName('agentKey')]: 'bench-agent-key'};
		const recipe = await loadRecipe('steadybit');
		const {answers, secrets} = await collectAnswers(recipe, 'docker', {sets, env});
		const invoker = {uid: process.getuid!(), gid: process.getgid!()};

		let wizardRuns = 0;
		const wizardSteps: Array<Record<string, number>> = [];
		const wizard = async () => {
			const out = join(work, `wizard-${wizardRuns++}`);
			const args = [cli, 'run', 'steadybit', '--target', 'docker', '--out', out, ...sets.flatMap(set => ['--set', set]), '--yes', '--json'];
			// In the engine's network namespace, as on that Docker host: the probe connects to the extension's address.
			// The by-hand side needs no namespace (docker talks to the engine's socket); nsenter's exec counts against the wizard.
			const [file, nsArgs] = inNamespace(engine.netns, process.execPath, args);
			wizardSteps.push(await timedWizard(file, nsArgs, env));
		};

		let handRuns = 0;
		const opensslMs: number[] = [];
		const handSteps: Array<Record<string, number>> = [];
		const hand = async () => {
			// The plan for this round's directory, built before the clock starts: a person has the commands in front of them.
			const plan = buildPlan(recipe, 'docker', answers, {outDir: join(work, `hand-${handRuns++}`), secretAnswerIds: Object.keys(secrets), invoker});
			const issue = plan.steps.find((step): step is IssueCertificatesStep => step.kind === 'issue-certificates')!;
			return async () => {
				opensslMs.push(await timed(async () => certificatesByHand(issue, env)));
				const times: Record<string, number> = {};
				handSteps.push(times);
				await deployByHand(plan, secrets, env, times);
			};
		};

		// Unmeasured: warms the page cache for node, the CLI's modules, openssl and docker on both sides.
		await (await hand())();
		await wizard();
		opensslMs.length = 0;
		handSteps.length = 0;
		wizardSteps.length = 0;
		const wizardMs: number[] = [];
		const handMs: number[] = [];
		const wizardCpuMs: number[] = [];
		const handCpuMs: number[] = [];
		for (let round = 0; round < rounds; round++) {
			await measured(await hand(), handMs, handCpuMs);
			await measured(wizard, wizardMs, wizardCpuMs);
		}

		const ratio = median(wizardMs) / median(handMs);
		const ok = ratio <= target;
		const list = (values: number[]) => values.map(v => Math.round(v)).join(' ');
		const parts = Object.keys(wizardSteps[0] ?? {});
		const shares = parts.map(part => `${part} ${Math.round(median(wizardSteps.map(times => times[part] ?? 0)))}`);
		const handParts = Object.keys(handSteps[0] ?? {}).filter(part => part !== 'certificates' && part !== 'verify-handshake');
		const handShares = handParts.map(part => `${part} ${Math.round(median(handSteps.map(times => times[part] ?? 0)))}`);
		return {
			ok,
			report: [
				`  steadybit --target docker with fresh certificates: the wizard CLI vs the openssl commands for the same certificates and the plan's docker commands and log follows by hand, ${rounds} alternating rounds, load average ${load} at start`,
				`  by hand median ${Math.round(median(handMs))} ms (${list(handMs)}); of it openssl median ${Math.round(median(opensslMs))} ms`,
				`  by hand, each step of the plan (median ms): openssl ${Math.round(median(opensslMs))}, ${handShares.join(', ')}`,
				`  wizard median ${Math.round(median(wizardMs))} ms (${list(wizardMs)})`,
				`  where the wizard's time goes (median ms; start-up is Node, the recipe, answers, plan and loading the run until its first event): ${shares.join(', ')}`,
				`  CPU time of each side's own processes (median): by hand ${Math.round(median(handCpuMs))} ms, wizard ${Math.round(median(wizardCpuMs))} ms (${(median(wizardCpuMs) / median(handCpuMs)).toFixed(2)}×)`,
				`  ratio ${ratio.toFixed(2)}× (target <= ${target}×) ${ok ? 'OK' : 'MISSED'}`,
			].join('\n'),
		};
	} finally {
		await engine.stop();
		await rm(work, {recursive: true, force: true});
	}
}

async function timed(action: () => Promise<void>): Promise<number> {
	const start = performance.now();
	await action();
	return performance.now() - start;
}

/**
 * CPU time (user + system) of this process's finished children, from /proc/self/stat (cutime, cstime in clock ticks
 * of 10 ms): what each side's own processes (node, openssl, the docker client) cost, whatever else loads the machine.
 * The engine's and the containers' work is not in it, and is the same for both sides.
 */
function childrenCpuMs(): number {
	const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
	return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** Runs the action, adding its wall time to `wall` and its children's CPU time to `cpu`. */
async function measured(action: () => Promise<void>, wall: number[], cpu: number[]): Promise<void> {
	const before = childrenCpuMs();
	wall.push(await timed(action));
	cpu.push(childrenCpuMs() - before);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const result = await measure();
	process.stdout.write(`${result.report}\n`);
	process.exitCode = result.ok ? 0 : 1;
}
