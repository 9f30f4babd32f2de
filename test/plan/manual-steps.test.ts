import test from 'ava';
import {manualSteps} from '../../source/plan/manual-steps.js';
import {fullAnswers, planFor, stepOf} from './plan-for.js';

test('lists the instructions of every manual step in plan order, and nothing for a plan without one', async t => {
	const harness = fullAnswers['harness-delegate']!.kubectl!;
	const plan = await planFor('harness-delegate', 'kubectl', harness.sets, harness.secrets);
	t.deepEqual(manualSteps(plan), [
		stepOf(plan, 'send-ca-to-harness', 'manual').instructions,
		stepOf(plan, 'choose-mtls-mode', 'manual').instructions,
		stepOf(plan, 'check-delegate-connected', 'manual').instructions,
	]);
	const steadybit = fullAnswers.steadybit!.docker!;
	t.deepEqual(manualSteps(await planFor('steadybit', 'docker', steadybit.sets, steadybit.secrets)), []);
});
