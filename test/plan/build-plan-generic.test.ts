import test from 'ava';
import {ids, pki, planFor, stepOf} from './plan-for.js';

test('bundle: certificates for localhost and 127.0.0.1 by default, then the handshake and instructions', async t => {
	const plan = await planFor('generic', 'bundle', []);
	t.deepEqual(ids(plan), ['certificates', 'verify-handshake', 'use-bundle']);
	t.deepEqual(stepOf(plan, 'certificates', 'issue-certificates'), {
		id: 'certificates',
		kind: 'issue-certificates',
		title: 'Issue the CA and server, client certificates',
		dir: '/srv/mtls/certs',
		ca: {mode: 'generate', commonName: 'mtls-wizard CA', days: 3650, keySize: 2048},
		leaves: [
			{id: 'server', role: 'server', commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], days: 825, keySize: 2048},
			{id: 'client', role: 'client', commonName: 'client', dnsNames: [], ipAddresses: [], days: 825, keySize: 2048},
		],
	});
	t.like(stepOf(plan, 'verify-handshake', 'verify-handshake'), {dir: '/srv/mtls/certs', server: 'server', client: 'client', serverName: 'localhost'});
});

test('bundle: names, IPs, key size, validity and an imported CA come from the answers', async t => {
	const plan = await planFor(
		'generic',
		'bundle',
		['serverName=api.example.com', 'extraDnsNames=api.internal, *.api.example.com', 'serverIps=10.0.0.5,fd00::5', 'clientCn=robot', 'keySize=3072', 'days=90', 'caCert=./ca.pem', 'caKey=./ca-key.pem'],
		{caKeyPassphrase: 'secret'},
	);
	const step = stepOf(plan, 'certificates', 'issue-certificates');
	t.deepEqual(step.ca, {mode: 'import', certPath: './ca.pem', keyPath: './ca-key.pem', passphrase: {secret: 'caKeyPassphrase'}});
	t.is(step.title, 'Sign with your CA the server, client certificates');
	t.deepEqual(step.leaves[0], {
		id: 'server',
		role: 'server',
		commonName: 'api.example.com',
		dnsNames: ['api.example.com', 'api.internal', '*.api.example.com'],
		ipAddresses: ['10.0.0.5', 'fd00::5'],
		days: 90,
		keySize: 3072,
	});
	t.is(step.leaves[1]!.commonName, 'robot');
});

test('kubectl: generic secrets of type kubernetes.io/tls that carry ca.crt', async t => {
	const plan = await planFor('generic', 'kubectl', ['namespace=apps']);
	t.deepEqual(ids(plan), ['certificates', 'verify-handshake', 'secret-server', 'secret-client', 'mount-secrets']);
	for (const [id, name, leaf] of [
		['secret-server', 'mtls-server', 'server'],
		['secret-client', 'mtls-client', 'client'],
	] as const) {
		t.deepEqual(stepOf(plan, id, 'kube-secret'), {
			id,
			title: `Create secret ${name} (${leaf} pair and CA)`,
			namespace: 'apps',
			kind: 'kube-secret',
			name,
			type: 'generic',
			secretType: 'kubernetes.io/tls',
			files: [
				{key: 'tls.crt', path: pki(`${leaf}.crt`)},
				{key: 'tls.key', path: pki(`${leaf}.key`)},
				{key: 'ca.crt', path: pki('ca.crt')},
			],
			// The namespace both secrets go to is created once, by the first.
			createNamespace: id === 'secret-server',
		});
	}
});
