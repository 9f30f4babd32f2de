import test from 'ava';
import type {Plan, Step, StepKind} from '../../source/plan/types.js';
import {loadRunners} from '../../source/steps/load-runners.js';
import {runnerFor} from '../../source/steps/registry.js';

const kinds: StepKind[] = [
	'issue-certificates', 'verify-handshake', 'write-files', 'kube-secret', 'helm-release', 'kubectl-apply', 'docker-run',
	'docker-secret', 'docker-network', 'swarm-service', 'kube-restart', 'swarm-secret-swap', 'wait-for-log', 'tls-probe', 'manual',
];

const planOf = (stepKinds: StepKind[]): Plan => ({steps: stepKinds.map(kind => ({id: kind, title: kind, kind}) as unknown as Step)}) as unknown as Plan;

test('every step kind loads the runner the registry has for it', async t => {
	const loaded = await loadRunners(planOf(kinds));
	for (const step of planOf(kinds).steps) {
		t.is(loaded(step), runnerFor(step), step.kind);
		t.is(loaded(step).kind, step.kind);
	}
});

test('a kind the plan did not have is refused by name, not run with another runner', async t => {
	const loaded = await loadRunners(planOf(['docker-run']));
	t.throws(() => loaded({id: 'x', title: 'x', kind: 'helm-release'} as unknown as Step), {message: /no runner loaded for step kind helm-release/});
});
