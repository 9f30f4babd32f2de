/**
 * The wizard's overhead over doing the same by hand: `mtls-wizard run steadybit --target docker` through the built
 * CLI against a private dockerd, versus the docker commands of the same plan (what --dry-run prints: rm and run of
 * both containers, then following each log until its mTLS line) run directly with child_process. The certificates
 * are issued once before timing; the wizard's re-runs reuse them, as a user's would, but still prove the handshake
 * and save the session. Runs alternate so machine noise hits both alike; medians are compared. Target: under 1.1×.
 */
import {execFile, spawn} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {buildPlan} from '../source/plan/build-plan.js';
import type {CommandSpec} from '../source/exec/types.js';
import {collectAnswers, secretEnvName} from '../source/recipes/collect-answers.js';
import {loadRecipe} from '../source/recipes/load-recipes.js';
import {runnerFor} from '../source/steps/registry.js';
import {secretEnvValues} from '../source/steps/secret-values.js';
import {freePort, startPrivateDocker} from '../test/support/private-docker.js';
import {buildStandInImage} from '../test/support/stand-in-image.js';

export const name = 'overhead';
/** Ratio of median wall times, wizard / by hand. */
export const target = 1.1;

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

type Direct = {kind: 'command'; spec: CommandSpec} | {kind: 'follow'; container: string; pattern: RegExp};

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function runFile(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
	return new Promise((resolve, reject) => {
		const child = execFile(file, args, {env, maxBuffer: 64 * 1024 * 1024}, (error, _stdout, stderr) => {
			if (error && !(typeof error.code === 'number' && error.code === 1 && args[0] === 'rm')) {
				reject(new Error(`${file} ${args.slice(0, 3).join(' ')} failed: ${stderr.trim() || error.message}`));
			} else {
				resolve();
			}
		});
		child.stdin?.end();
	});
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

async function byHand(steps: Direct[], env: NodeJS.ProcessEnv): Promise<void> {
	for (const step of steps) {
		if (step.kind === 'follow') await follow(step.container, step.pattern, env);
		else await runFile(step.spec.file, step.spec.args, {...env, ...step.spec.env});
	}
}

async function timed(action: () => Promise<void>): Promise<number> {
	const start = performance.now();
	await action();
	return performance.now() - start;
}

export async function measure(rounds = 7): Promise<{ok: boolean; report: string}> {
	const engine = await startPrivateDocker();
	const work = await mkdtemp(join(tmpdir(), 'mtls-bench-overhead-'));
	try {
		const [extensionImage, agentImage] = await Promise.all([
			buildStandInImage(engine.env, 'steadybit-extension'),
			buildStandInImage(engine.env, 'steadybit-agent'),
		]);
		const port = await freePort();
		const out = join(work, 'out');
		const sets = [`extensionImage=${extensionImage}`, `agentImage=${agentImage}`, 'extensionHost=localhost', `extensionPort=${port}`];
		const env: NodeJS.ProcessEnv = {...engine.env, NO_COLOR: '1', MTLS_WIZARD_HOME: join(work, 'home'), [secretEnvName('agentKey')]: 'bench-agent-key'};
		const wizardArgs = [cli, 'run', 'steadybit', '--target', 'docker', '--out', out, ...sets.flatMap(set => ['--set', set]), '--yes'];
		const wizard = async () => runFile(process.execPath, wizardArgs, env);

		// The plan the CLI builds, turned into the commands a person would type (the --dry-run listing).
		const recipe = await loadRecipe('steadybit');
		const {answers, secrets} = await collectAnswers(recipe, 'docker', {sets, env});
		const plan = buildPlan(recipe, 'docker', answers, {outDir: out, secretAnswerIds: Object.keys(secrets)});
		const direct: Direct[] = plan.steps.flatMap((step): Direct[] => {
			if (step.kind === 'docker-run') {
				const [remove, run] = runnerFor(step).commands(step);
				return [{kind: 'command', spec: remove!}, {kind: 'command', spec: {...run!, env: secretEnvValues(step.secretEnv, secrets, step.id)}}];
			}

			if (step.kind === 'wait-for-log' && step.source.kind === 'docker-container') {
				return [{kind: 'follow', container: step.source.container, pattern: new RegExp(step.success.map(s => s.pattern).join('|'))}];
			}

			return [];
		});

		// Unmeasured: issues the certificates both sides then use, and warms the page cache for node and docker.
		await wizard();
		await byHand(direct, env);
		const wizardMs: number[] = [];
		const handMs: number[] = [];
		// Where the difference goes: Node starting the CLI and parsing its arguments (--version), and everything a run
		// does before its first step (the same run with --dry-run: recipe, answers, plan, printed instead of run).
		const nodeMs: number[] = [];
		const startupMs: number[] = [];
		for (let round = 0; round < rounds; round++) {
			wizardMs.push(await timed(wizard));
			handMs.push(await timed(async () => byHand(direct, env)));
			nodeMs.push(await timed(async () => runFile(process.execPath, [cli, '--version'], env)));
			startupMs.push(await timed(async () => runFile(process.execPath, [...wizardArgs, '--dry-run'], env)));
		}

		const ratio = median(wizardMs) / median(handMs);
		const ok = ratio < target;
		const list = (values: number[]) => values.map(v => Math.round(v)).join(' ');
		return {
			ok,
			report: [
				`  steadybit --target docker: wizard CLI vs the same ${direct.length} docker commands and log follows by hand, ${rounds} alternating rounds`,
				`  wizard median ${Math.round(median(wizardMs))} ms (${list(wizardMs)})`,
				`  by hand median ${Math.round(median(handMs))} ms (${list(handMs)})`,
				`  of the difference: the same run with --dry-run (start-up to the first step) median ${Math.round(median(startupMs))} ms, of it Node and argument parsing alone (--version) ${Math.round(median(nodeMs))} ms;`,
				'  the rest is the local handshake proof, loading the exec layer (execa) for the first docker command, reading the reused certificates and session saves',
				`  ratio ${ratio.toFixed(2)}× (target: under ${target}×) ${ok ? 'OK' : 'MISSED'}`,
			].join('\n'),
		};
	} finally {
		await engine.stop();
		await rm(work, {recursive: true, force: true});
	}
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	process.stdout.write(`${(await measure()).report}\n`);
}
