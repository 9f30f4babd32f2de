import test from 'ava';
import {StepFailedError} from '../../source/errors.js';
import {quoteCommand} from '../../source/exec/shell-quote.js';
import type {CommandResult, CommandSpec} from '../../source/exec/types.js';
import type {DockerNetworkStep} from '../../source/plan/types.js';
import {dockerNetworkRunner} from '../../source/steps/docker-network.js';
import {recordingContext} from './support/step-context.js';

const step: DockerNetworkStep = {id: 'network', title: 'Create the network', kind: 'docker-network', name: 'steadybit', driver: 'bridge', attachable: false};

/** Answers each docker call with what an engine says in that situation, and records the calls. */
function engineSaying(inspect: Pick<CommandResult, 'exitCode' | 'stdout' | 'stderr'>) {
	const calls: string[] = [];
	const context = recordingContext();
	context.run = async (command: CommandSpec) => {
		const display = quoteCommand(command);
		calls.push(display);
		return command.args[1] === 'inspect' ? {...inspect, display} : {exitCode: 0, stdout: 'f00d\n', stderr: '', display};
	};

	return {context, calls};
}

test('a missing network is created', async t => {
	const {context, calls} = engineSaying({exitCode: 1, stdout: '', stderr: 'Error response from daemon: network steadybit not found\n'});
	const outcome = await dockerNetworkRunner.run(step, context);
	t.deepEqual(calls, ["docker network inspect --format '{{.Driver}}' steadybit", 'docker network create --driver bridge steadybit']);
	t.is(outcome.detail, 'docker network steadybit created (bridge)');
});

test('an existing network of the same driver is left alone, so a re-run is safe', async t => {
	const {context, calls} = engineSaying({exitCode: 0, stdout: 'bridge\n', stderr: ''});
	const outcome = await dockerNetworkRunner.run(step, context);
	t.deepEqual(calls, ["docker network inspect --format '{{.Driver}}' steadybit"]);
	t.is(outcome.detail, 'docker network steadybit (bridge) already exists; left as it is');
});

test('a network of the same name with another driver stops the run and says what to do', async t => {
	const {context, calls} = engineSaying({exitCode: 0, stdout: 'bridge\n', stderr: ''});
	const error = await t.throwsAsync(dockerNetworkRunner.run({...step, driver: 'overlay', attachable: true}, context), {instanceOf: StepFailedError});
	t.is(error?.message, 'Docker network steadybit exists with driver bridge, but this recipe needs driver overlay.');
	t.regex((error as StepFailedError).hint ?? '', /docker network rm steadybit/);
	t.is(calls.length, 1, 'nothing was created');
});

test('an inspect that fails for another reason is not taken for a missing network', async t => {
	const {context, calls} = engineSaying({exitCode: 1, stdout: '', stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n'});
	const error = await t.throwsAsync(dockerNetworkRunner.run(step, context), {instanceOf: StepFailedError});
	t.regex(error?.message ?? '', /Cannot connect to the Docker daemon/);
	t.is(calls.length, 1);
});
