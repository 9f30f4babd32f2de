import test from 'ava';
import {cp, mkdir, mkdtemp, readdir, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join, relative} from 'node:path';
import {fileURLToPath} from 'node:url';
import {createController} from '../../source/wizard/create-controller.js';

const workspace = async (t: {teardown(fn: () => Promise<void>): void}) => {
	const dir = await mkdtemp(join(tmpdir(), 'mtls-wizard-answer-errors-'));
	t.teardown(async () => rm(dir, {recursive: true, force: true}));
	return {dir, controller: createController({env: {PATH: process.env['PATH'], MTLS_WIZARD_HOME: join(dir, 'home')}, cwd: dir})};
};

test('the wizard names the question in its errors, never a --set key', async t => {
	const {controller} = await workspace(t);
	const ip = await controller.validateAnswer('generic', 'bundle', 'serverName', '10.0.0.5', {});
	t.is(
		ip,
		'DNS name clients use to reach the server (CN and first SAN of the server certificate): "10.0.0.5" is an IP address, not a DNS name. Give it at the question "IP addresses for the server certificate (comma-separated)" instead',
	);
	const port = await controller.validateAnswer('portainer', 'docker', 'httpsPort', '99999', {});
	t.regex(port ?? '', /^Port on which the mTLS domain reaches Portainer's HTTPS .*: "99999" is out of range \(1–65535\)\. Use a whole number from 1 to 65535\.$/);
	const missing = await controller.validateAnswer('portainer', 'docker', 'mtlsDomain', '', {});
	t.is(missing, "The mTLS domain Edge Agents use to reach Portainer (the server certificate's SAN and the Edge key's API URL): an answer is required.");
	for (const message of [ip, port, missing]) t.notRegex(message ?? '', /--set|--export/);
});

test('an export directory the wizard cannot use is named as its question, not --export', async t => {
	const {dir, controller} = await workspace(t);
	await controller.review('generic', 'bundle', {});
	const used = join(dir, 'used');
	await mkdir(used);
	await writeFile(join(used, 'something'), 'x');
	const error = await t.throwsAsync(controller.exportBundle(used));
	t.is(error?.message, `Bundle directory: ${JSON.stringify(used)} is not empty. Choose a new or empty directory; nothing is ever written over an existing bundle.`);
});

test('an export directory inside the local chart it would carry is named as its question, and the chart as its own', async t => {
	const {dir, controller} = await workspace(t);
	const chart = join(dir, 'chart');
	await cp(fileURLToPath(new URL('../support/charts/portainer', import.meta.url)), chart, {recursive: true});
	await controller.review('portainer', 'helm', {mtlsDomain: 'portainer.example', chart});
	const bundle = join(chart, 'bundle');
	const error = await t.throwsAsync(controller.exportBundle(bundle));
	t.is(
		error?.message,
		`Bundle directory: ${JSON.stringify(bundle)} is inside the directory ${JSON.stringify(chart)} that Chart (repo/chart, OCI or https URL, or a local .tgz or directory) names, which the bundle copies whole into inputs/, so it would copy itself. Choose a bundle directory outside ${JSON.stringify(chart)}, e.g. ${relative(process.cwd(), join(dir, 'mtls-bundle'))}.`,
	);
	t.deepEqual((await readdir(dir)).sort(), ['chart'], 'nothing written beside the chart');
	t.false((await readdir(chart)).some(name => name.includes('bundle')), 'nor inside it');
});
