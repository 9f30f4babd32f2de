import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import type {DockerRunStep} from '../../source/plan/types.js';
import {dockerRunRunner} from '../../source/steps/docker-run.js';
import {docker, startPrivateDocker} from '../support/private-docker.js';
import {buildStandInImage} from '../support/stand-in-image.js';
import {execContext} from './support/step-context.js';
import {tempDir} from '../support/temp-dir.js';

test('docker-run on a real engine: secret env reaches the container without argv, mounts are read-only, a re-run replaces the container', async t => {
	const engine = await startPrivateDocker();
	t.teardown(async () => engine.stop());
	const image = await buildStandInImage(engine.env, 'harness-delegate');
	const dir = await tempDir(t, 'mtls-docker-run-');
	await writeFile(join(dir, 'client.crt'), 'cert\n');
	const step: DockerRunStep = {
		id: 'run-delegate',
		title: 'Run the delegate',
		kind: 'docker-run',
		container: 'mtls-test-delegate',
		image,
		network: 'none',
		networkAliases: [],
		ports: [],
		mounts: [{source: join(dir, 'client.crt'), target: '/etc/mtls/client.crt', readOnly: true}],
		env: {DELEGATE_NAME: 'd1'},
		secretEnv: {DELEGATE_TOKEN: {secret: 'delegateToken'}},
		user: 'root',
		args: [],
	};
	const secrets = {delegateToken: 's3cr3t-TOKEN'};
	await dockerRunRunner.run(step, execContext({env: engine.env, secrets}));
	const inspect = async () =>
		JSON.parse(await docker(engine.env, ['container', 'inspect', step.container]))[0] as {Id: string; Config: {Env: string[]; Cmd: string[] | null}; Args: string[]; Mounts: Array<{Destination: string; RW: boolean}>};
	const first = await inspect();
	t.true(first.Config.Env.includes('DELEGATE_TOKEN=s3cr3t-TOKEN'), 'docker read the value from its environment');
	t.true(first.Config.Env.includes('DELEGATE_NAME=d1'));
	t.false(JSON.stringify(first.Args).includes('s3cr3t'));
	t.deepEqual(first.Mounts.map(m => [m.Destination, m.RW]), [['/etc/mtls/client.crt', false]]);

	await dockerRunRunner.run(step, execContext({env: engine.env, secrets}));
	t.not((await inspect()).Id, first.Id, 'the old container was removed and a new one started');
});
