import test from 'ava';
import {markOverlappingSteps} from '../../source/plan/overlapping-steps.js';
import {stepDigest} from '../../source/plan/step-digest.js';
import type {Step} from '../../source/plan/types.js';
import {planFor} from './plan-for.js';

const alongside = (steps: readonly Step[]) => steps.filter(step => step.alongsidePrevious).map(step => step.id);

test('steadybit docker: the network is made with the certificates, the extension log followed while the agent starts, the agent log with the probe', async t => {
	const plan = await planFor('steadybit', 'docker', [], {agentKey: 'k'});
	t.deepEqual(alongside(plan.steps), ['create-network', 'confirm-extension', 'confirm-agent']);
	t.deepEqual(plan.steps.slice(0, 3).map(step => step.id), ['certificates', 'create-network', 'verify-handshake']);
	const order = plan.steps.map(step => step.id);
	// Each marked step follows a container started before the steps it runs alongside.
	t.true(order.indexOf('run-extension') < order.indexOf('run-agent'));
	t.is(order[order.indexOf('confirm-agent') - 1], 'probe-extension');
});

test('plans without a docker container log to follow run every step in turn', async t => {
	for (const [recipe, target, sets, secrets] of [
		['steadybit', 'helm', ['clusterName=c'], {agentKey: 'k'}],
		['generic', 'kubectl', [], {}],
		['generic', 'bundle', [], {}],
	] as const) {
		t.deepEqual(alongside((await planFor(recipe, target, [...sets], secrets)).steps), [], `${recipe} --target ${target}`);
	}
});

const run = (container: string): Step => ({id: `run-${container}`, title: `run ${container}`, kind: 'docker-run', container, image: 'i', network: 'n', networkAliases: [], ports: [], mounts: [], env: {}, secretEnv: {}, args: []});
const follow = (container: string): Step => ({id: `log-${container}`, title: `log ${container}`, kind: 'wait-for-log', source: {kind: 'docker-container', container}, success: [], failures: [], timeoutSeconds: 1, timeoutHints: []});

test('a log is never followed alongside the step that (re)starts its container, nor before that container was started', t => {
	t.deepEqual(alongside(markOverlappingSteps([run('a'), follow('a')])), []);
	// a's log starts alongside run-b; b's log would join a group that holds run-b, so it waits.
	t.deepEqual(alongside(markOverlappingSteps([run('a'), run('b'), follow('a'), follow('b')])), ['log-a']);
	t.deepEqual(alongside(markOverlappingSteps([run('b'), follow('a')])), []);
});

test('a log is not followed alongside a step that is not about containers', t => {
	const manual: Step = {id: 'by-hand', title: 'by hand', kind: 'manual', instructions: ['x']};
	t.deepEqual(alongside(markOverlappingSteps([run('a'), manual, follow('a')])), []);
});

const issue: Step = {id: 'certificates', title: 'issue', kind: 'issue-certificates', dir: '/o/certs', ca: {mode: 'generate', commonName: 'ca', keySize: 2048, days: 1}, leaves: []} as unknown as Step;
const proof: Step = {id: 'verify-handshake', title: 'prove', kind: 'verify-handshake'} as unknown as Step;
const network = (name: string): Step => ({id: `network-${name}`, title: `network ${name}`, kind: 'docker-network', name, driver: 'bridge', attachable: false});

test('a Docker network moves up to start with the certificate issue only past local steps, keeping the order of the rest', t => {
	const moved = markOverlappingSteps([issue, proof, network('a'), network('b'), run('a')]);
	t.deepEqual(moved.map(step => step.id), ['certificates', 'network-a', 'network-b', 'verify-handshake', 'run-a']);
	t.deepEqual(alongside(moved), ['network-a', 'network-b']);
	const secret: Step = {id: 'secret', title: 'secret', kind: 'docker-secret'} as unknown as Step;
	// Past a step that changes the engine, a network stays where the recipe put it.
	const kept = markOverlappingSteps([issue, proof, secret, network('a'), run('a')]);
	t.deepEqual(kept.map(step => step.id), ['certificates', 'verify-handshake', 'secret', 'network-a', 'run-a']);
	t.deepEqual(alongside(kept), []);
});

test('starting alongside is not part of what a step does: its digest stays, so a session does not redo it', t => {
	const step = follow('a');
	t.is(stepDigest({...step, alongsidePrevious: true}), stepDigest(step));
});
