import test from 'ava';
import {StepFailedError} from '../../source/errors.js';
import type {DockerNetworkStep, DockerRunStep} from '../../source/plan/types.js';
import {containerAddress} from '../../source/steps/container-address.js';
import {dockerNetworkRunner} from '../../source/steps/docker-network.js';
import {dockerRunRunner} from '../../source/steps/docker-run.js';
import {docker, startPrivateDocker} from '../support/private-docker.js';
import {buildStandInImage} from '../support/stand-in-image.js';
import {execContext} from './support/step-context.js';

test('on a real engine: the network is created once and left alone on a re-run; a container on it is found at its address there', async t => {
	const engine = await startPrivateDocker();
	t.teardown(async () => engine.stop());
	const image = await buildStandInImage(engine.env, 'steadybit-extension');
	const context = () => execContext({env: engine.env});
	const network: DockerNetworkStep = {id: 'create-network', title: 'Create the network', kind: 'docker-network', name: 'mtls-test-net', driver: 'bridge', attachable: false};

	t.is((await dockerNetworkRunner.run(network, context())).detail, 'docker network mtls-test-net created (bridge)');
	const id = (await docker(engine.env, ['network', 'inspect', '--format', '{{.Id}}', 'mtls-test-net'])).trim();
	t.is((await dockerNetworkRunner.run(network, context())).detail, 'docker network mtls-test-net (bridge) already exists; left as it is');
	t.is((await docker(engine.env, ['network', 'inspect', '--format', '{{.Id}}', 'mtls-test-net'])).trim(), id, 'the same network, not a new one');
	await t.throwsAsync(dockerNetworkRunner.run({...network, driver: 'overlay'}, context()), {instanceOf: StepFailedError, message: /exists with driver bridge/});

	// Plain HTTP without certificates: the stand-in only has to keep running on the network.
	const run: DockerRunStep = {
		id: 'run-extension',
		title: 'Run',
		kind: 'docker-run',
		container: 'mtls-test-extension',
		image,
		network: 'mtls-test-net',
		networkAliases: ['extension.mesh'],
		ports: [],
		mounts: [],
		env: {},
		secretEnv: {},
		args: [],
	};
	await dockerRunRunner.run(run, context());
	const inspected = JSON.parse(await docker(engine.env, ['container', 'inspect', run.container]))[0] as {NetworkSettings: {Networks: Record<string, {IPAddress: string; Aliases: string[] | null}>}};
	const onNetwork = inspected.NetworkSettings.Networks['mtls-test-net']!;
	t.true(onNetwork.Aliases?.includes('extension.mesh'), 'the alias other containers reach it by');
	t.is(await containerAddress(run.container, 'mtls-test-net', 'probe', context()), onNetwork.IPAddress);
	t.regex(onNetwork.IPAddress, /^\d+\.\d+\.\d+\.\d+$/);

	await dockerRunRunner.run({...run, container: 'mtls-test-plain', network: 'bridge', networkAliases: []}, context());
	const elsewhere = await t.throwsAsync(containerAddress('mtls-test-plain', 'mtls-test-net', 'probe', context()), {instanceOf: StepFailedError});
	t.is(elsewhere?.message, 'container mtls-test-plain is not on the network mtls-test-net (it is on: bridge)');
});
