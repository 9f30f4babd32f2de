import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {buildPlan} from '../../../source/plan/build-plan.js';
import {collectAnswers} from '../../../source/recipes/collect-answers.js';
import {loadRecipe} from '../../../source/recipes/load-recipes.js';
import {shown, standInImage, startCluster} from './support.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));

test.serial('a volume asking the secret for a key it does not have: the pod stays pending and the run ends naming the secret and the key', async t => {
	const cluster = await startCluster(t, {'harness/delegate:24.07.83404': standInImage('harness-delegate')});
	const result = await cluster.cli([
		'run', 'harness-delegate', '--target', 'kubectl',
		'--set', 'delegateName=kubernetes-delegate',
		'--set', 'managerEndpoint=https://acme.harness.io:8443',
		'--set', `manifest=${fixture('harness-delegate-manifest-wrong-secret-keys.yaml')}`,
		// A short rollout wait: the pod can never start, so the run ends when this wait does.
		'--set', 'waitSeconds=5',
		'--out', join(cluster.scratch, 'out'), '--yes',
	]);
	t.is(result.exitCode, 1, shown(result));
	const told = result.stdout + result.stderr;
	t.regex(told, /deployment\/kubernetes-delegate did not roll out within 5s/);
	t.regex(told, /FailedMount: MountVolume\.SetUp failed for volume "legacy-mtls" : references non-existent secret key: tls\.crt/);
	t.regex(told, /secret client-certificate has no key tls\.crt/);
	t.notRegex(told, /BEGIN [A-Z ]*PRIVATE KEY/);

	// The cluster agrees: the pod is still waiting in ContainerCreating and the secret holds the wizard's keys.
	const pod = await cluster.kubectl('-n', 'harness-delegate-ng', 'get', 'pods', '-o', 'jsonpath={.items[0].status.phase} {.items[0].status.containerStatuses[0].state.waiting.reason}');
	t.is(pod.stdout, 'Pending ContainerCreating', pod.stderr);
	const keys = await cluster.kubectl('-n', 'harness-delegate-ng', 'get', 'secret', 'client-certificate', '-o', 'go-template={{range $k, $v := .data}}{{$k}} {{end}}');
	t.is(keys.stdout.trim(), 'client.crt client.key');
});

test('a kubernetes.io/tls secret for a CA-only bundle is refused by the planner, before any step exists to run', async t => {
	const recipe = await loadRecipe('harness-delegate', fixture('harness-delegate-ca-only-tls-secret'));
	const plan = async (sets: string[]) => {
		const collected = await collectAnswers(recipe, 'kubectl', {sets, env: {}});
		return buildPlan(recipe, 'kubectl', collected.answers, {outDir: '/srv/mtls'});
	};

	// The CA sent to Harness stored as kubernetes.io/tls with only tls.crt (generic + secretType: the schema cannot tell).
	const caOnly = await t.throwsAsync(plan(['withKey=yes']));
	t.is(
		caOnly?.message,
		'recipe harness-delegate, targets.kubectl.steps[0]: secret harness-ca is of type kubernetes.io/tls but has no tls.key (keys: tls.crt). ' +
			'A kubernetes.io/tls secret must carry tls.crt and tls.key; a CA-only secret must be Opaque (type: generic without secretType).',
	);
	// type tls whose tls.key a `when` leaves out: only the planner sees the keys that remain.
	const keyLeftOut = await t.throwsAsync(plan([]));
	t.regex(keyLeftOut?.message ?? '', /^recipe harness-delegate, targets\.kubectl\.steps\[1\]: secret client-certificate is of type kubernetes\.io\/tls but has no tls\.key \(keys: tls\.crt\)\./);
});
