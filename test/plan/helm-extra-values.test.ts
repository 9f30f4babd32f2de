import test from 'ava';
import {fullAnswers, planFor} from './plan-for.js';

const helmRecipes = ['steadybit', 'portainer', 'harness-delegate', 'sap-connectivity-proxy'] as const;

for (const recipe of helmRecipes) {
	test(`${recipe} --target helm: the user's own values file (image mirrors) goes before the wizard's, only when given`, async t => {
		const {sets, secrets} = fullAnswers[recipe]!.helm!;
		const answer = recipe === 'sap-connectivity-proxy' ? 'baseValuesFile' : 'extraValuesFile';
		const withFile = await planFor(recipe, 'helm', [...sets.filter(set => !set.startsWith(`${answer}=`)), `${answer}=/srv/site/mirror-values.yaml`], secrets);
		const release = withFile.steps.find(step => step.kind === 'helm-release');
		t.deepEqual(release?.kind === 'helm-release' ? release.extraValuesFiles : undefined, ['/srv/site/mirror-values.yaml']);

		const without = await planFor(recipe, 'helm', sets.filter(set => !set.startsWith(`${answer}=`)), secrets);
		const plain = without.steps.find(step => step.kind === 'helm-release');
		t.is(plain?.kind === 'helm-release' ? plain.extraValuesFiles : 'not a helm step', undefined);
	});
}
