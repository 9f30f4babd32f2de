import test from 'ava';
import {carryInputs} from '../../source/plan/carry-inputs.js';
import {planFor, stepOf} from './plan-for.js';

test('helm: your values file and local chart are named by their copies in <outDir>/inputs/, 0600, each listed once in Plan.carried', async t => {
	const plan = carryInputs(await planFor('sap-connectivity-proxy', 'helm', ['externalHost=tunnel.example.com', 'chart=./charts/connectivity-proxy', 'baseValuesFile=../shared/values.yaml']));
	const release = plan.steps.find(step => step.kind === 'helm-release');
	t.like(release, {chart: '/srv/mtls/inputs/connectivity-proxy', extraValuesFiles: ['/srv/mtls/inputs/values.yaml'], valuesFile: '/srv/mtls/values/connectivity-proxy.yaml'});
	t.deepEqual(plan.carried, [
		{from: './charts/connectivity-proxy', to: '/srv/mtls/inputs/connectivity-proxy', mode: 0o600},
		{from: '../shared/values.yaml', to: '/srv/mtls/inputs/values.yaml', mode: 0o600},
	]);
});

test('a chart from a repository, and a manifest the plan patches into its own directory, stay as they are', async t => {
	const helm = await planFor('portainer', 'helm', ['mtlsDomain=portainer.example.com']);
	t.is(carryInputs(helm), helm, 'nothing of yours to carry');
	const kubectl = carryInputs(await planFor('harness-delegate', 'kubectl', ['delegateName=kubernetes-delegate', 'managerEndpoint=https://acme.agent.harness.io', 'manifest=./harness-delegate.yaml']));
	t.like(stepOf(kubectl, 'apply-delegate-manifest', 'kubectl-apply'), {manifest: '/srv/mtls/harness-delegate-mtls.yaml', patchFrom: {source: './harness-delegate.yaml'}});
	t.is(kubectl.carried, undefined);
});

test('two files of one name get copies of their own', async t => {
	const plan = await planFor('portainer', 'helm', ['mtlsDomain=portainer.example.com', 'extraValuesFile=./a/values.yaml']);
	const release = plan.steps.find(step => step.kind === 'helm-release')!;
	const twice = {...plan, steps: plan.steps.map(step => (step === release ? {...release, extraValuesFiles: ['./a/values.yaml', './b/values.yaml', './a/values.yaml']} : step))};
	t.like(carryInputs(twice).steps.find(step => step.kind === 'helm-release'), {extraValuesFiles: ['/srv/mtls/inputs/values.yaml', '/srv/mtls/inputs/2-values.yaml', '/srv/mtls/inputs/values.yaml']});
});
