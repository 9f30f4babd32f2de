import test from 'ava';
import {formatPlan} from '../../source/render/print-plan.js';
import {ids, pki, planFor, stepOf} from './plan-for.js';

const host = 'externalHost=tunnel.example.com';

test('certificate: externalHost and healthcheck.<externalHost>, server and client use', async t => {
	const plan = await planFor('sap-connectivity-proxy', 'helm', [host]);
	t.deepEqual(stepOf(plan, 'certificates', 'issue-certificates').leaves.map(l => [l.id, l.role, l.commonName, l.dnsNames]), [
		['proxy', 'server-client', 'tunnel.example.com', ['tunnel.example.com', 'healthcheck.tunnel.example.com']],
	]);
	t.like(stepOf(plan, 'verify-handshake', 'verify-handshake'), {server: 'proxy', client: 'proxy', serverName: 'tunnel.example.com'});
});

test('termination: public and proxy secrets, enableTls, ingress.tls.secretName, no strictSniEnabled', async t => {
	const plan = await planFor('sap-connectivity-proxy', 'helm', [host]);
	t.deepEqual(ids(plan), [
		'certificates',
		'verify-handshake',
		'secret-connectivity-tls',
		'secret-connectivity-proxy-tls',
		'helm-connectivity-proxy-values',
		'helm-connectivity-proxy',
		'trust-cloud-connector',
		'confirm-tunnel-endpoint',
	]);
	t.deepEqual(stepOf(plan, 'secret-connectivity-tls', 'kube-secret').files, [
		{key: 'tls.key', path: pki('proxy.key')},
		{key: 'tls.crt', path: pki('proxy.crt')},
	]);
	const proxy = stepOf(plan, 'secret-connectivity-proxy-tls', 'kube-secret');
	t.like(proxy, {namespace: 'connectivity-proxy', name: 'connectivity-proxy-tls', type: 'generic'});
	t.deepEqual(proxy.files, [
		{key: 'tls.key', path: pki('proxy.key')},
		{key: 'tls.crt', path: pki('proxy.crt')},
		{key: 'ca.crt', path: pki('ca.crt')},
	]);
	t.deepEqual(stepOf(plan, 'helm-connectivity-proxy-values', 'write-files').files[0]!.contents, {
		yaml: {
			config: {servers: {businessDataTunnel: {enableTls: true, externalHost: 'tunnel.example.com'}}},
			secretConfig: {servers: {businessDataTunnel: {secretName: 'connectivity-proxy-tls'}}},
			ingress: {tls: {secretName: 'connectivity-tls'}},
		},
	});
	const helm = stepOf(plan, 'helm-connectivity-proxy', 'helm-release');
	t.like(helm, {release: 'connectivity-proxy', chart: './connectivity-proxy-2.20.0.tgz', valuesFile: '/srv/mtls/values/connectivity-proxy.yaml'});
	t.false('repo' in helm, 'the vendor repository needs a login: the chart is a local file');
	t.false('version' in helm);
	t.false('extraValuesFiles' in helm);
});

test('passthrough: strictSniEnabled false, no ingress.tls, the passthrough flag as a manual step first', async t => {
	const plan = await planFor('sap-connectivity-proxy', 'helm', [host, 'mode=passthrough', 'baseValuesFile=./my-values.yaml', 'connectivityCaFile=./connectivity_ca.crt']);
	t.deepEqual(ids(plan), [
		'certificates',
		'verify-handshake',
		'ingress-ssl-passthrough',
		'secret-connectivity-proxy-tls',
		'helm-connectivity-proxy-values',
		'helm-connectivity-proxy',
		'trust-cloud-connector',
		'confirm-tunnel-endpoint',
	]);
	t.regex(stepOf(plan, 'ingress-ssl-passthrough', 'manual').instructions.join('\n'), /--enable-ssl-passthrough/);
	t.deepEqual(stepOf(plan, 'secret-connectivity-proxy-tls', 'kube-secret').files, [
		{key: 'tls.key', path: pki('proxy.key')},
		{key: 'tls.crt', path: pki('proxy.crt')},
		{key: 'ca.crt', path: './connectivity_ca.crt'},
	]);
	t.deepEqual(stepOf(plan, 'helm-connectivity-proxy-values', 'write-files').files[0]!.contents, {
		yaml: {
			config: {servers: {businessDataTunnel: {enableTls: true, externalHost: 'tunnel.example.com', strictSniEnabled: false}}},
			secretConfig: {servers: {businessDataTunnel: {secretName: 'connectivity-proxy-tls'}}},
		},
	});
	t.deepEqual(stepOf(plan, 'helm-connectivity-proxy', 'helm-release').extraValuesFiles, ['./my-values.yaml']);
});

test('passthrough with a base values file: that file may not set ingress.tls (platforms.md 3.4); termination or no file: no such rule', async t => {
	const passthrough = await planFor('sap-connectivity-proxy', 'helm', [host, 'mode=passthrough', 'baseValuesFile=./my-values.yaml']);
	const rules = stepOf(passthrough, 'helm-connectivity-proxy', 'helm-release').extraValuesMustNotSet;
	t.deepEqual(rules?.map(rule => rule.key), ['ingress.tls']);
	t.regex(rules?.[0]?.reason ?? '', /passthrough mode requires ingress\.tls to be absent/);
	t.regex(formatPlan(passthrough), /# Install or upgrade release connectivity-proxy in connectivity-proxy and wait until its workloads are ready\. Your values files must not set ingress\.tls: the passthrough mode requires/);
	const termination = await planFor('sap-connectivity-proxy', 'helm', [host, 'mode=termination', 'baseValuesFile=./my-values.yaml']);
	t.false('extraValuesMustNotSet' in stepOf(termination, 'helm-connectivity-proxy', 'helm-release'));
	const noFile = await planFor('sap-connectivity-proxy', 'helm', [host, 'mode=passthrough']);
	t.false('extraValuesMustNotSet' in stepOf(noFile, 'helm-connectivity-proxy', 'helm-release'));
});

test('passthrough on 2.4.1 or later: no ca.crt at all', async t => {
	const plan = await planFor('sap-connectivity-proxy', 'helm', [host, 'mode=passthrough']);
	t.deepEqual(stepOf(plan, 'secret-connectivity-proxy-tls', 'kube-secret').files.map(f => f.key), ['tls.key', 'tls.crt']);
});

test('the Cloud Connector trust import is a manual step with exact instructions; the probe checks the server side only', async t => {
	const plan = await planFor('sap-connectivity-proxy', 'helm', [host]);
	const trust = stepOf(plan, 'trust-cloud-connector', 'manual').instructions.join('\n');
	t.regex(trust, /keytool -importcert .*-file ca\.crt .*cacerts/);
	t.regex(trust, /\/srv\/mtls\/certs\/ca\.crt/);
	t.regex(trust, /Restart the Cloud Connector/);
	t.like(stepOf(plan, 'confirm-tunnel-endpoint', 'tls-probe'), {
		host: 'tunnel.example.com',
		port: 443,
		serverName: 'tunnel.example.com',
		caFile: pki('ca.crt'),
		presentClientCertificate: false,
	});
});

test('an unknown mode is refused naming --set mode', async t => {
	const error = await t.throwsAsync(planFor('sap-connectivity-proxy', 'helm', [host, 'mode=bridge']));
	t.is(error?.message, '--set mode: "bridge" is not one of the choices. Use one of: termination, passthrough.');
});
