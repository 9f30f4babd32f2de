import test from 'ava';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {UsageError} from '../../source/errors.js';
import {collectAnswers, secretEnvName} from '../../source/recipes/collect-answers.js';
import {loadRecipe} from '../../source/recipes/load-recipes.js';

let dir: string;
test.before(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'mtls-answers-'));
});
test.after.always(async () => {
	await rm(dir, {recursive: true, force: true});
});

const fails = async (t: any, recipeId: string, target: string, input: Parameters<typeof collectAnswers>[2], message: string) => {
	const recipe = await loadRecipe(recipeId);
	const error = await t.throwsAsync(collectAnswers(recipe, target, input), {instanceOf: UsageError});
	t.is(error?.message, message);
	t.is((error as UsageError).exitCode, 2);
};

test('defaults fill in; secrets come back apart from the answers', async t => {
	const recipe = await loadRecipe('steadybit');
	const {answers, secrets} = await collectAnswers(recipe, 'helm', {sets: ['clusterName=prod'], env: {MTLS_WIZARD_ANSWER_AGENT_KEY: 'the-key'}});
	t.like(answers, {namespace: 'steadybit-agent', release: 'steadybit-agent', clusterName: 'prod', chartVersion: '3.1.148', keySize: 2048, days: 825, caDays: 3650});
	t.false('agentKey' in answers);
	t.deepEqual(secrets, {agentKey: 'the-key'});
});

test('answers file (YAML) then --set: the later wins; secrets may be in the file', async t => {
	const file = path.join(dir, 'answers.yaml');
	await writeFile(file, 'namespace: from-file\nclusterName: file-cluster\nagentKey: file-key\nextraDnsNames: [a.example.com, b.example.com]\n');
	const recipe = await loadRecipe('steadybit');
	const {answers, secrets} = await collectAnswers(recipe, 'helm', {answersFile: file, sets: ['namespace=from-set']});
	t.is(answers['namespace'], 'from-set');
	t.is(answers['clusterName'], 'file-cluster');
	t.is(answers['extraDnsNames'], 'a.example.com,b.example.com');
	t.deepEqual(secrets, {agentKey: 'file-key'});
});

test('answers file in JSON; the environment overrides a secret from the file', async t => {
	const file = path.join(dir, 'answers.json');
	await writeFile(file, JSON.stringify({mtlsDomain: 'p.example.com', edgeKey: 'from-file', edgeId: 'e1'}));
	const recipe = await loadRecipe('portainer');
	const {answers, secrets} = await collectAnswers(recipe, 'docker', {answersFile: file, sets: [], env: {MTLS_WIZARD_ANSWER_EDGE_KEY: 'from-env'}});
	t.like(answers, {mtlsDomain: 'p.example.com', edgeId: 'e1'});
	t.deepEqual(secrets, {edgeKey: 'from-env'});
});

test('an invalid namespace names the --set key and the fix', async t => {
	await fails(t, 'steadybit', 'helm', {sets: ['clusterName=c', 'namespace=Bad NS'], env: {MTLS_WIZARD_ANSWER_AGENT_KEY: 'k'}}, `--set namespace: "Bad NS" is not a valid Kubernetes namespace. Use lowercase letters, digits and '-', e.g. steadybit-agent.`);
});

test('a missing required answer names the --set key', async t => {
	await fails(t, 'portainer', 'helm', {sets: []}, '--set mtlsDomain: required: The mTLS domain Edge Agents use to reach Portainer (the server certificate\'s SAN and the Edge key\'s API URL). Pass --set mtlsDomain=VALUE or put it in the --answers file.');
});

test('a missing required secret names its environment variable', async t => {
	await fails(t, 'steadybit', 'docker', {sets: []}, 'agentKey (secret): required: Steadybit agent key (from the Steadybit platform). Set MTLS_WIZARD_ANSWER_AGENT_KEY or put agentKey in the --answers file.');
});

test('a secret on the command line is refused', async t => {
	await fails(t, 'steadybit', 'docker', {sets: ['agentKey=oops']}, '--set agentKey: is a secret and must not be on the command line. Put it in the --answers file or set MTLS_WIZARD_ANSWER_AGENT_KEY.');
});

test('an unknown key lists the valid keys for the target', async t => {
	await fails(
		t,
		'generic',
		'bundle',
		{sets: ['namespce=x']},
		'--set namespce: unknown key. Valid keys for generic --target bundle: serverName, extraDnsNames, serverIps, clientCn, agents, keySize, keyType, days, caDays, caMode, caCert, caKey, caKeyPassphrase.',
	);
});

test('an unknown key in the answers file is refused too', async t => {
	const file = path.join(dir, 'unknown.yaml');
	await writeFile(file, 'servername: x\n');
	const recipe = await loadRecipe('generic');
	const error = await t.throwsAsync(collectAnswers(recipe, 'bundle', {answersFile: file, sets: []}));
	t.regex(error?.message ?? '', /^--answers .*unknown\.yaml: unknown key "servername"\. Valid keys for generic --target bundle: serverName, /);
});

test('an unknown target lists the recipe targets', async t => {
	await fails(t, 'sap-connectivity-proxy', 'docker', {sets: []}, '--target: "docker" is not a target of recipe sap-connectivity-proxy. Use one of: helm, bundle.');
});

test('DNS names and IPs are checked item by item and name the --set key', async t => {
	await fails(t, 'generic', 'bundle', {sets: ['extraDnsNames=ok.example.com,bad_name.example.com']}, '--set extraDnsNames: "bad_name.example.com" is not a valid DNS name (only letters, digits and inner hyphens between dots). Use a name like server.example.com or *.example.com');
	await fails(t, 'generic', 'bundle', {sets: ['serverIps=10.0.0.300']}, '--set serverIps: "10.0.0.300" is not an IPv4 or IPv6 address. Use an address like 10.0.0.5 or fd00::5 (DNS names go elsewhere, for certs: --server-dns)');
});

test('integers, choices and booleans are typed and range-checked', async t => {
	await fails(t, 'generic', 'bundle', {sets: ['keySize=1024']}, '--set keySize: "1024" is not allowed. Use one of 2048, 3072, 4096.');
	await fails(t, 'generic', 'bundle', {sets: ['days=soon']}, '--set days: "soon" is not a whole number. Use a whole number from 1 to 3650, e.g. 825.');
	const recipe = await loadRecipe('generic');
	const {answers} = await collectAnswers(recipe, 'bundle', {sets: ['keySize=4096', 'days=30']});
	t.is(answers['keySize'], 4096);
	t.is(answers['days'], 30);
});

test('an https URL is required where the recipe says so', async t => {
	await fails(
		t,
		'harness-delegate',
		'docker',
		{sets: ['delegateName=d', 'accountId=a', 'managerEndpoint=http://acme.agent.harness.io'], env: {MTLS_WIZARD_ANSWER_DELEGATE_TOKEN: 't'}},
		'--set managerEndpoint: "http://acme.agent.harness.io" is not an https URL. Use https://host[:port], e.g. https://example.com.',
	);
});

test('your own CA needs both caCert and caKey', async t => {
	await fails(t, 'generic', 'bundle', {sets: ['caCert=./ca.pem']}, '--set caCert: needs caKey too (your own CA needs both its certificate and its key). Add caKey where you gave caCert.');
});

test('a malformed --set is refused', async t => {
	await fails(t, 'generic', 'bundle', {sets: ['serverName']}, '--set serverName: expected key=value, e.g. --set namespace=steadybit-agent.');
});

test('an invalid secret is reported without its value', async t => {
	const file = path.join(dir, 'secret-list.yaml');
	await writeFile(file, 'agentKey: [not, text]\n');
	const recipe = await loadRecipe('steadybit');
	const error = await t.throwsAsync(collectAnswers(recipe, 'docker', {answersFile: file, sets: []}));
	t.is(error?.message, `--answers ${file}: agentKey (secret): the secret answer is empty or not text. Steadybit agent key (from the Steadybit platform): give it as a string.`);
});

test('secret env names are MTLS_WIZARD_ANSWER_ plus the id in upper snake case', t => {
	t.is(secretEnvName('agentKeyPassphrase'), 'MTLS_WIZARD_ANSWER_AGENT_KEY_PASSPHRASE');
	t.is(secretEnvName('edgeKey'), 'MTLS_WIZARD_ANSWER_EDGE_KEY');
});

test('a bad answer from --answers names the file and the key, not --set', async t => {
	const file = path.join(dir, 'bad-answers.yaml');
	await writeFile(file, 'serverName: "bad_name!"\n');
	await fails(t, 'generic', 'bundle', {answersFile: file, sets: []}, `--answers ${file}: serverName: "bad_name!" is not a valid DNS name (only letters, digits and inner hyphens between dots). Use a name like server.example.com or *.example.com`);
});

test('a --set after the answers file is named as the --set', async t => {
	const file = path.join(dir, 'good-answers.yaml');
	await writeFile(file, 'serverName: good.example\n');
	await fails(t, 'generic', 'bundle', {answersFile: file, sets: ['serverName=bad_name!']}, '--set serverName: "bad_name!" is not a valid DNS name (only letters, digits and inner hyphens between dots). Use a name like server.example.com or *.example.com');
});

test('caCert without caKey in the answers file names the file and the key', async t => {
	const file = path.join(dir, 'ca-only.yaml');
	await writeFile(file, 'caCert: ./ca.pem\n');
	await fails(t, 'generic', 'bundle', {answersFile: file, sets: []}, `--answers ${file}: caCert: needs caKey too (your own CA needs both its certificate and its key). Add caKey where you gave caCert.`);
});

test('a dotted number that is no IP address is not a DNS name either; an IP address points at the IP question', async t => {
	await fails(
		t,
		'generic',
		'bundle',
		{sets: ['serverName=300.1.1.1']},
		'--set serverName: "300.1.1.1" is neither a DNS name (its last label is all digits) nor a valid IP address. Use a name like server.example.com or *.example.com; an IPv4 address is four numbers from 0 to 255',
	);
	await fails(t, 'generic', 'bundle', {sets: ['serverName=10.0.0.5']}, '--set serverName: "10.0.0.5" is an IP address, not a DNS name. Pass it with --set serverIps=10.0.0.5 instead');
	// Portainer asks no IP question: the fix says what the answer takes instead of pointing at a key that is not there.
	await fails(
		t,
		'portainer',
		'bundle',
		{sets: ['mtlsDomain=10.0.0.5']},
		'--set mtlsDomain: "10.0.0.5" is an IP address, not a DNS name. This answer takes DNS names only: give the name clients use to reach that address',
	);
});

test('answers named as questions (the wizard) name the prompt, never --set', async t => {
	const recipe = await loadRecipe('generic');
	const asked = {questionField: (question: {prompt: string}) => question.prompt};
	const ip = await t.throwsAsync(collectAnswers(recipe, 'bundle', {sets: ['serverName=10.0.0.5'], ...asked}), {instanceOf: UsageError});
	t.is(
		ip?.message,
		'DNS name clients use to reach the server (CN and first SAN of the server certificate): "10.0.0.5" is an IP address, not a DNS name. Give it at the question "IP addresses for the server certificate (comma-separated)" instead',
	);
	const pair = await t.throwsAsync(collectAnswers(recipe, 'bundle', {sets: ['caCert=./ca.pem'], ...asked}), {instanceOf: UsageError});
	t.is(
		pair?.message,
		'Your own CA certificate (PEM) to sign with, instead of generating a CA: your own CA needs both its certificate and its key. Answer the question "The private key of your own CA (PEM), with caCert" too.',
	);
	t.notRegex(`${ip?.message ?? ''}${pair?.message ?? ''}`, /--set/);
});

test('a port out of 1–65535 is said to be out of range', async t => {
	await fails(t, 'portainer', 'docker', {sets: ['mtlsDomain=portainer.example.com', 'httpsPort=99999']}, '--set httpsPort: "99999" is out of range (1–65535). Use a whole number from 1 to 65535.');
});

test('a trailing slash on a URL answer is dropped, so paths appended to it do not double', async t => {
	const recipe = await loadRecipe('harness-delegate');
	const {answers} = await collectAnswers(recipe, 'docker', {
		sets: ['delegateName=d', 'accountId=a', 'managerEndpoint=https://acme.agent.harness.io:8443/'],
		env: {MTLS_WIZARD_ANSWER_DELEGATE_TOKEN: 't'},
	});
	t.is(answers['managerEndpoint'], 'https://acme.agent.harness.io:8443');
});
