import test from 'ava';
import {faultQuestion} from '../../source/wizard/fault-question.js';

const questions = [
	{id: 'days', prompt: 'Validity of the server and client certificates, in days'},
	{id: 'caCert', prompt: 'Your own CA certificate (PEM) to sign with'},
	{id: 'caKey', prompt: 'The private key of your own CA (PEM), with caCert'},
	{id: 'extraValuesFile', prompt: 'Your own helm values file'},
];

test('the answer at fault is the one named as a field, by id or by its prompt, else the one whose file the message names', t => {
	t.is(faultQuestion('days: "825" would make server.crt valid until 2029', questions, {}), 'days');
	t.is(faultQuestion('answer caKey: "/x/other.key" does not match the CA certificate /x/ca.crt', questions, {caCert: '/x/ca.crt'}), 'caKey');
	t.is(faultQuestion('session 1-2-3: caCert: "/gone/ca.crt" does not exist.', questions, {}), 'caCert');
	t.is(faultQuestion('Your own CA certificate (PEM) to sign with: "x" holds no PEM certificate', questions, {}), 'caCert');
	t.is(faultQuestion('/srv/values.yaml: sets ingress.tls, but passthrough mode needs it unset', questions, {extraValuesFile: '/srv/values.yaml'}), 'extraValuesFile');
	t.is(faultQuestion('the CA expires in 12 days', questions, {}), undefined, 'a word that is also an id is not a field');
	t.is(faultQuestion('kubectl exited with code 1: connection refused', questions, {days: '825'}), undefined);
});

test('a kube object named by an answer points at that answer, as a whole name only', t => {
	const kube = [
		{id: 'namespace', prompt: 'Kubernetes namespace for the secrets'},
		{id: 'serverSecret', prompt: 'Name of the server secret'},
		{id: 'clientSecret', prompt: 'Name of the client secret'},
	];
	const answers = {namespace: 'default', serverSecret: 'mtls-server', clientSecret: 'mtls-client'};
	t.is(faultQuestion("Secret default/mtls-server already exists with another type; a Secret's type cannot change.", kube, answers), 'serverSecret');
	t.is(faultQuestion('Secret default/mtls-server-old already exists with another type.', kube, answers), undefined, 'another name that starts the same is not it');
	t.is(faultQuestion('the default namespace is full', kube, answers), undefined, 'a plain word is no answer');
});
