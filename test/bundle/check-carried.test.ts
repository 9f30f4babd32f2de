/**
 * A local chart directory is copied whole into the bundle's inputs/: an export directory inside it (chart=. and
 * --export ./bundle, the first thing a chart author types) would be copied into itself. The built CLI must refuse it
 * as bad input before writing anything, whichever way the paths reach the same directory.
 */
import {cp, mkdir, readdir, stat, symlink, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test, {type ExecutionContext} from 'ava';
import {runCli, type CliResult} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';
import {finishedOnDisk} from './support/moved-bundle.js';

const portainerChart = fileURLToPath(new URL('../support/charts/portainer', import.meta.url));
const portainer = ['run', 'portainer', '--target', 'helm', '--set', 'mtlsDomain=portainer.example'];

/** Every path under dir with its mode: "nothing written, no mode changed" compares two of these. */
async function snapshot(dir: string): Promise<Record<string, string>> {
	const found: Record<string, string> = {};
	for (const entry of await readdir(dir, {withFileTypes: true, recursive: true})) {
		const path = join(entry.parentPath, entry.name);
		found[path.slice(dir.length)] = ((await stat(path)).mode & 0o7777).toString(8);
	}

	found['.'] = ((await stat(dir)).mode & 0o7777).toString(8);
	return found;
}

/** A working directory holding a copy of the portainer test chart at chart/. */
async function withChart(t: ExecutionContext): Promise<string> {
	const cwd = await tempDir(t, 'mtls-carried-');
	await cp(portainerChart, join(cwd, 'chart'), {recursive: true});
	return cwd;
}

/** The bad-input contract: exit 2, one line that is exactly `expected`, nothing else printed, nothing written. */
async function refused(t: ExecutionContext, cwd: string, args: string[], expected: string, runIn = cwd): Promise<CliResult> {
	const before = await snapshot(cwd);
	const result = await runCli(args, {cwd: runIn});
	const output = `exit ${result.exitCode}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
	t.is(result.exitCode, 2, output);
	t.is(result.stdout, '', output);
	t.is(result.stderr, `mtls-wizard: ${expected}\n`, output);
	t.notRegex(result.stderr, /\n\s+at |unexpected error/, output);
	t.deepEqual(await snapshot(cwd), before, `no bundle, no temp directory, no mode changed\n${output}`);
	return result;
}

test('an --export inside the local chart given as "." is refused naming --export, --set chart and a directory outside', async t => {
	const cwd = await withChart(t);
	await refused(
		t,
		cwd,
		[...portainer, '--set', 'chart=.', '--export', './bundle'],
		'--export: "./bundle" is inside the directory "." that --set chart names, which the bundle copies whole into inputs/, so it would copy itself. Choose a bundle directory outside ".", e.g. ../mtls-bundle.',
		join(cwd, 'chart'),
	);
});

test('an --export deeper inside the chart, whose name starts with "..", is refused too and its parents are not made', async t => {
	const cwd = await withChart(t);
	await refused(
		t,
		cwd,
		[...portainer, '--set', 'chart=.', '--export', '..out/bundle'],
		'--export: "..out/bundle" is inside the directory "." that --set chart names, which the bundle copies whole into inputs/, so it would copy itself. Choose a bundle directory outside ".", e.g. ../mtls-bundle.',
		join(cwd, 'chart'),
	);
});

test('an --export that is the chart directory is refused as the same loop, before its emptiness is judged', async t => {
	const cwd = await withChart(t);
	await refused(
		t,
		cwd,
		[...portainer, '--set', 'chart=./chart', '--export', './chart'],
		'--export: "./chart" is the directory "./chart" that --set chart names, which the bundle copies whole into inputs/, so it would copy itself. Choose a bundle directory outside "./chart", e.g. ./mtls-bundle.',
	);
});

test('a symlink on either side does not hide the loop', async t => {
	const cwd = await withChart(t);
	await symlink('chart', join(cwd, 'link'));
	await refused(
		t,
		cwd,
		[...portainer, '--set', 'chart=./chart', '--export', './link/bundle'],
		'--export: "./link/bundle" is inside the directory "./chart" that --set chart names, which the bundle copies whole into inputs/, so it would copy itself. Choose a bundle directory outside "./chart", e.g. ./mtls-bundle.',
	);
	await refused(
		t,
		cwd,
		[...portainer, '--set', 'chart=./link', '--export', './chart/bundle'],
		'--export: "./chart/bundle" is inside the directory "./link" that --set chart names, which the bundle copies whole into inputs/, so it would copy itself. Choose a bundle directory outside "./link", e.g. ./mtls-bundle.',
	);
});

test('a chart named in the --answers file is named by the file and key', async t => {
	const cwd = await withChart(t);
	await writeFile(join(cwd, 'answers.yaml'), 'chart: ./chart\nmtlsDomain: portainer.example\n');
	await refused(
		t,
		cwd,
		['run', 'portainer', '--target', 'helm', '--answers', 'answers.yaml', '--export', 'chart/bundle'],
		'--export: "chart/bundle" is inside the directory "./chart" that --answers answers.yaml: chart names, which the bundle copies whole into inputs/, so it would copy itself. Choose a bundle directory outside "./chart", e.g. ./mtls-bundle.',
	);
});

test('a local chart that is missing is refused naming its answer, before the bundle directory exists', async t => {
	const cwd = await tempDir(t, 'mtls-carried-');
	await refused(
		t,
		cwd,
		[...portainer, '--set', 'chart=./bundle/chart', '--export', './bundle'],
		'--set chart: "./bundle/chart" is missing: the bundle must carry it, since apply.sh reads it. Put it back where it was, then export again.',
	);
});

test('a chart beside the bundle, even one whose name the bundle\'s starts with, is carried whole', async t => {
	const cwd = await withChart(t);
	await mkdir(join(cwd, 'chart-bundles'));
	const result = await runCli([...portainer, '--set', 'chart=./chart', '--export', './chart-bundles/one'], {cwd});
	t.is(result.exitCode, 0, result.stderr);
	t.deepEqual(await readdir(join(cwd, 'chart-bundles', 'one', 'inputs', 'chart')), await readdir(portainerChart));
	t.deepEqual((await readdir(cwd)).sort(), ['chart', 'chart-bundles'], 'nothing else beside it');
});

test('renew --export inside the chart of the deployment it renews is refused the same way', async t => {
	const deployment = {recipe: 'portainer', target: 'helm' as const, sets: ['mtlsDomain=portainer.example', 'chart=./chart'], secrets: {}};
	const {dir, env} = await finishedOnDisk(t, deployment, async dir => cp(portainerChart, join(dir, 'chart'), {recursive: true}));
	const result = await runCli(['renew', '--export', './chart/renewal'], {cwd: dir, env});
	t.is(result.exitCode, 2, result.stderr);
	t.regex(result.stderr, /^mtls-wizard: --export: "\.\/chart\/renewal" is inside the directory "\.\/chart" that session \S+: chart names, .* Choose a bundle directory outside "\.\/chart", e\.g\. \.\/mtls-bundle\.\n$/);
	t.deepEqual(await readdir(join(dir, 'chart')), await readdir(portainerChart), 'nothing written into the chart');
});
