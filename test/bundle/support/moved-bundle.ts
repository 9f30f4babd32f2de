import {readdir, readFile, rename, rm, stat} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import type {ExecutionContext} from 'ava';
import {buildPlan} from '../../../source/plan/build-plan.js';
import type {TargetId} from '../../../source/plan/types.js';
import {collectAnswers, secretEnvName} from '../../../source/recipes/collect-answers.js';
import {loadRecipe} from '../../../source/recipes/load-recipes.js';
import {newSessionId, saveSession, sessionFromPlan} from '../../../source/session/session-store.js';
import {invokerIds} from '../../../source/environment/invoker.js';
import {runCli, type CliResult} from '../../support/run-cli.js';
import {tempDir} from '../../support/temp-dir.js';

export const shown = (result: CliResult) => `exit ${result.exitCode}\n${result.stdout}${result.stderr}`;

/**
 * What a user does with a bundle: moves it to another place (the machine that applies it), where the directory it
 * was written from and the deployment's directory do not exist. Both are removed here once it has moved.
 */
export async function moveAway(t: ExecutionContext, bundle: string, gone: readonly string[]): Promise<string> {
	const moved = join(await tempDir(t, 'mtls-applied-here-'), 'bundle');
	await rename(bundle, moved);
	for (const dir of gone) await rm(dir, {recursive: true, force: true});
	return moved;
}

/** Every line of every file in dir holding needle, as "file: line". */
export async function linesHolding(dir: string, needle: string): Promise<string[]> {
	const holding: string[] = [];
	for (const entry of await readdir(dir, {withFileTypes: true, recursive: true})) {
		if (!entry.isFile()) continue;
		const path = join(entry.parentPath, entry.name);
		for (const line of (await readFile(path, 'utf8')).split('\n')) if (line.includes(needle)) holding.push(`${path.slice(dir.length + 1)}: ${line}`);
	}

	return holding;
}

/** The bundle's files apply.sh reads ("$PWD"/path, up to a docker mount's :target), and those it writes itself (after a >). */
export function namedFiles(script: string): {read: string[]; written: string[]} {
	const read = new Set<string>();
	const written = new Set<string>();
	for (const line of script.split('\n').filter(line => !line.startsWith('#'))) {
		for (const match of line.matchAll(/(> )?"\$PWD"\/'?([^\s',:]+)'?/g)) (match[1] ? written : read).add(match[2]!);
	}

	for (const file of written) read.delete(file);
	return {read: [...read].sort(), written: [...written].sort()};
}

/**
 * The moved bundle stands alone: no file names a directory that is gone (but the command that writes the bundle
 * again, whose paths are the user's own, relative to where they ran it), every file apply.sh reads is in it, and
 * every key is 0600 in a 0700 directory. Returns the files apply.sh reads.
 */
export async function checkStandsAlone(t: ExecutionContext, moved: string, gone: readonly string[]): Promise<string[]> {
	for (const dir of gone) t.deepEqual(await linesHolding(moved, dir), [], `no file of the bundle names ${dir}`);
	const script = await readFile(join(moved, 'apply.sh'), 'utf8');
	const {read} = namedFiles(script);
	for (const file of read) {
		const found = await stat(join(moved, file)).catch(() => undefined);
		t.truthy(found, `apply.sh reads ${file}, which the moved bundle holds`);
	}

	for (const entry of await readdir(moved, {withFileTypes: true, recursive: true})) {
		if (!entry.isFile() || !entry.name.endsWith('.key')) continue;
		const path = join(entry.parentPath, entry.name);
		t.is((await stat(path)).mode & 0o777, 0o600, `${path} is 0600`);
		t.is((await stat(dirname(path))).mode & 0o777, 0o700, `${dirname(path)} is 0700`);
	}

	return read;
}

export type Deployment = {recipe: string; target: TargetId; sets: string[]; secrets: Record<string, string>};

/**
 * A finished deployment as renew, rotate-ca and their exports find it: its session, every step done, and its
 * directory holding what the wizard wrote there (certificates issued by the wizard, its values, agent bundles).
 * What was deployed is not looked at by an export, so no engine or cluster is started: the files are the ones
 * `run --export` writes, whose layout is that of --out. userFiles writes the files of yours its answers name.
 */
export async function finishedOnDisk(t: ExecutionContext, deployment: Deployment, userFiles: (dir: string) => Promise<unknown>): Promise<{dir: string; out: string; env: NodeJS.ProcessEnv}> {
	const dir = await tempDir(t, 'mtls-deployed-');
	await userFiles(dir);
	const env: NodeJS.ProcessEnv = {MTLS_WIZARD_HOME: join(dir, 'home'), ...Object.fromEntries(Object.entries(deployment.secrets).map(([id, value]) => [secretEnvName(id), value]))};
	const sets = deployment.sets.flatMap(set => ['--set', set]);
	const written = await runCli(['run', deployment.recipe, '--target', deployment.target, ...sets, '--export', 'out'], {cwd: dir, env});
	if (written.exitCode !== 0) throw new Error(shown(written));
	const out = join(dir, 'out');
	const recipe = await loadRecipe(deployment.recipe);
	const collected = await collectAnswers(recipe, deployment.target, {sets: deployment.sets, env});
	const plan = buildPlan(recipe, deployment.target, collected.answers, {outDir: out, secretAnswerIds: Object.keys(collected.secrets), ...invokerIds()});
	const session = sessionFromPlan(plan, newSessionId());
	for (const step of plan.steps) session.steps[step.id] = {title: step.title, state: step.kind === 'manual' ? 'to-do' : 'done'};
	session.outcome = 'done';
	delete session.pid;
	await saveSession(session, {env: {...process.env, ...env}, secrets: collected.secrets});
	return {dir, out, env};
}
