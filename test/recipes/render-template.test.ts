import test from 'ava';
import {renderTemplate, TemplateError, templateVariables} from '../../source/recipes/render-template.js';

test('fills every placeholder, spaces allowed inside the braces', t => {
	t.is(renderTemplate('{{answers.release}}-extension-http.{{ answers.namespace }}.svc', {'answers.release': 'sb', 'answers.namespace': 'chaos'}, 'f'), 'sb-extension-http.chaos.svc');
});

test('an unknown variable fails, naming it and the field', t => {
	const error = t.throws(() => renderTemplate('{{answers.nmespace}}', {'answers.namespace': 'x'}, 'targets.helm.steps[0].namespace'), {instanceOf: TemplateError});
	t.is(error?.message, 'targets.helm.steps[0].namespace: unknown variable {{answers.nmespace}}');
	t.is((error as TemplateError).variable, 'answers.nmespace');
});

test('unbalanced braces fail instead of leaking into a name', t => {
	t.throws(() => renderTemplate('{{answers.x}', {'answers.x': 'y'}, 'f'), {message: /unbalanced braces/});
});

test('lists the variables a template uses, once each', t => {
	t.deepEqual(templateVariables('{{a}}/{{b.c}}/{{a}}'), ['a', 'b.c']);
	t.deepEqual(templateVariables('plain text'), []);
});
