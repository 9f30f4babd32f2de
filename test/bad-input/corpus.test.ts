/**
 * What a tired operator types: typos in flags, swapped arguments, missing files, directories for files, empty
 * values, wrong recipe and target names, bad durations. Every case runs the built CLI in a fresh working directory
 * with its own MTLS_WIZARD_HOME and asserts the bad-input contract (readme, DESIGN.md): the exit code, at most two
 * lines naming the field, no stack trace, nothing written, and no existing directory's mode changed.
 *
 * To add a case, add a row to `cases`: the argv (`@name` stands for a fixture path, `~name` for a path in the case's
 * own working directory), the exit code when it is not 2, and the text the first line must contain.
 */
import {cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {issuePki, writeAll} from '../pki/support/fixtures.js';
import {runCli} from '../support/run-cli.js';
import {tempDir} from '../support/temp-dir.js';

export type BadInputCase = {
	/** Which command the operator meant: certs, run, inspect, verify, resume, rotate-ca. */
	command: string;
	title: string;
	args: string[];
	/** The text the message must contain: the flag, argument, file and key, or variable at fault. */
	names: string;
	exitCode?: number;
	env?: Record<string, string>;
	/** Files in the case's working directory before it runs (they must be left as they are). */
	files?: Record<string, string>;
};

const chartYaml = 'apiVersion: v2\nname: chart\nversion: 0.1.0\n';
const harness = ['--set', 'delegateName=d', '--set', 'managerEndpoint=https://a.agent.harness.io', '--set', 'accountId=A'];

export const cases: BadInputCase[] = [
	// certs
	{command: 'certs', title: 'an invalid DNS name', args: ['certs', '--out', '~out', '--server-dns', 'bad_name!'], names: '--server-dns: "bad_name!"'},
	{command: 'certs', title: 'an empty DNS name', args: ['certs', '--out', '~out', '--server-dns', ''], names: '--server-dns: (empty)'},
	{command: 'certs', title: 'a URL instead of a DNS name', args: ['certs', '--out', '~out', '--server-dns', 'https://a.example'], names: '--server-dns: "https://a.example"'},
	{command: 'certs', title: 'a name with an empty label', args: ['certs', '--out', '~out', '--server-dns', 'a..example'], names: '--server-dns: "a..example"'},
	{command: 'certs', title: 'no server name at all', args: ['certs', '--out', '~out'], names: '--server-dns: missing'},
	{command: 'certs', title: 'an IP out of range', args: ['certs', '--out', '~out', '--server-ip', '300.1.1.1'], names: '--server-ip: "300.1.1.1"'},
	{command: 'certs', title: 'a host name given as --server-ip', args: ['certs', '--out', '~out', '--server-ip', 'localhost'], names: '--server-ip: "localhost"'},
	{command: 'certs', title: 'an IP with a port', args: ['certs', '--out', '~out', '--server-ip', '10.0.0.1:443'], names: '--server-ip: "10.0.0.1:443"'},
	{command: 'certs', title: '--days 0', args: ['certs', '--out', '~out', '--server-dns', 'a.example', '--days', '0'], names: '--days: "0"'},
	{command: 'certs', title: 'negative --days', args: ['certs', '--out', '~out', '--server-dns', 'a.example', '--days', '-5'], names: '--days: "-5"'},
	{command: 'certs', title: '--days with a unit', args: ['certs', '--out', '~out', '--server-dns', 'a.example', '--days', '90d'], names: '--days: "90d"'},
	{command: 'certs', title: 'fractional --days', args: ['certs', '--out', '~out', '--server-dns', 'a.example', '--days', '1.5'], names: '--days: "1.5"'},
	{command: 'certs', title: 'empty --days', args: ['certs', '--out', '~out', '--server-dns', 'a.example', '--days', ''], names: '--days: (empty)'},
	{command: 'certs', title: '--ca-days 0', args: ['certs', '--out', '~out', '--server-dns', 'a.example', '--ca-days', '0'], names: '--ca-days: "0"'},
	{command: 'certs', title: 'leaves outliving the CA', args: ['certs', '--out', '~out', '--server-dns', 'a.example', '--days', '4000'], names: '--days: "4000"'},
	{command: 'certs', title: '--key-size 1024', args: ['certs', '--out', '~out', '--server-dns', 'a.example', '--key-size', '1024'], names: '--key-size: "1024"'},
	{command: 'certs', title: '--key-size in words', args: ['certs', '--out', '~out', '--server-dns', 'a.example', '--key-size', 'big'], names: '--key-size: "big"'},
	{command: 'certs', title: 'an empty --server-ip', args: ['certs', '--out', '~out', '--server-ip', ''], names: '--server-ip: (empty)'},
	{command: 'certs', title: 'an empty client CN', args: ['certs', '--out', '~out', '--server-dns', 'a.example', '--client-cn', ''], names: '--client-cn: (empty)'},
	{command: 'certs', title: 'the same client CN twice', args: ['certs', '--out', '~out', '--server-dns', 'a.example', '--client-cn', 'a', '--client-cn', 'a'], names: '--client-cn: "a"'},
	{command: 'certs', title: '--ca-cert without --ca-key', args: ['certs', '--out', '~out', '--server-dns', 'a.example', '--ca-cert', '@ca.crt'], names: '--ca-key: missing'},
	{command: 'certs', title: '--ca-key without --ca-cert', args: ['certs', '--out', '~out', '--server-dns', 'a.example', '--ca-key', '@ca.key'], names: '--ca-cert: missing'},
	{command: 'certs', title: 'a missing CA certificate file', args: ['certs', '--out', '~out', '--server-dns', 'a.example', '--ca-cert', '~nope.crt', '--ca-key', '@ca.key'], names: '--ca-cert'},
	{command: 'certs', title: 'a directory as the CA certificate', args: ['certs', '--out', '~out', '--server-dns', 'a.example', '--ca-cert', '@dir', '--ca-key', '@ca.key'], names: '--ca-cert'},
	{command: 'certs', title: 'a text file as the CA certificate', args: ['certs', '--out', '~out', '--server-dns', 'a.example', '--ca-cert', '@notes.txt', '--ca-key', '@ca.key'], names: '--ca-cert'},
	{command: 'certs', title: 'swapped --ca-cert and --ca-key', args: ['certs', '--out', '~out', '--server-dns', 'a.example', '--ca-cert', '@ca.key', '--ca-key', '@ca.crt'], names: '--ca-cert'},
	{command: 'certs', title: 'a leaf certificate as the CA', args: ['certs', '--out', '~out', '--server-dns', 'a.example', '--ca-cert', '@server.crt', '--ca-key', '@server.key'], names: '--ca-cert'},
	{command: 'certs', title: 'a CA key that is not the CA certificate\'s', args: ['certs', '--out', '~out', '--server-dns', 'a.example', '--ca-cert', '@ca.crt', '--ca-key', '@server.key'], names: '--ca-key'},
	{command: 'certs', title: '--out that is a file', args: ['certs', '--out', '~notes.txt', '--server-dns', 'a.example'], names: '--out', files: {'notes.txt': 'notes\n'}},
	{command: 'certs', title: '--out under a file', args: ['certs', '--out', '~notes.txt/pki', '--server-dns', 'a.example'], names: '--out', files: {'notes.txt': 'notes\n'}},
	{command: 'certs', title: 'an empty --out', args: ['certs', '--out', '', '--server-dns', 'a.example'], names: '--out: (empty)'},
	{command: 'certs', title: 'no --out', args: ['certs', '--server-dns', 'a.example'], names: '--out'},
	{command: 'certs', title: '--out already holding a CA key', args: ['certs', '--out', '~pki', '--server-dns', 'a.example'], names: 'already holds ca.key', files: {'pki/ca.key': 'an old key\n'}},
	{command: 'certs', title: 'a typo in a flag', args: ['certs', '--out', '~out', '--server-dn', 'a.example'], names: '--server-dn'},
	{command: 'certs', title: 'a flag without its value', args: ['certs', '--out', '~out', '--server-dns'], names: '--server-dns'},

	// run with --set
	{command: 'run', title: 'a misspelt recipe', args: ['run', 'generik', '--target', 'bundle'], names: 'generik'},
	{command: 'run', title: 'no recipe', args: ['run', '--target', 'bundle'], names: 'recipe'},
	{command: 'run', title: 'no --target', args: ['run', 'generic'], names: '--target'},
	{command: 'run', title: 'a wrong target', args: ['run', 'generic', '--target', 'kube'], names: '--target'},
	{command: 'run', title: 'a target the recipe lacks', args: ['run', 'sap-connectivity-proxy', '--target', 'docker'], names: '--target'},
	{command: 'run', title: 'recipe and target swapped', args: ['run', 'bundle', '--target', 'generic'], names: 'bundle'},
	{command: 'run', title: '--set without =', args: ['run', 'generic', '--target', 'bundle', '--set', 'serverName'], names: '--set serverName'},
	{command: 'run', title: '--set with an empty key', args: ['run', 'generic', '--target', 'bundle', '--set', '=x'], names: '--set =x'},
	{command: 'run', title: '--set of an unknown key', args: ['run', 'generic', '--target', 'bundle', '--set', 'servername=a.example'], names: '--set servername'},
	{command: 'run', title: '--set of a bad DNS name', args: ['run', 'generic', '--target', 'bundle', '--set', 'serverName=bad_name!'], names: '--set serverName'},
	{command: 'run', title: '--set of a bad IP', args: ['run', 'generic', '--target', 'bundle', '--set', 'serverIps=300.1.1.1'], names: '--set serverIps'},
	{command: 'run', title: 'a secret on the command line', args: ['run', 'harness-delegate', '--target', 'docker', ...harness, '--set', 'delegateToken=t0ken'], names: '--set delegateToken'},
	{command: 'run', title: 'a missing required answer', args: ['run', 'harness-delegate', '--target', 'docker', '--set', 'accountId=A'], names: '--set delegateName'},
	{command: 'run', title: 'a missing secret answer', args: ['run', 'harness-delegate', '--target', 'docker', ...harness, '--yes'], names: 'MTLS_WIZARD_ANSWER_DELEGATE_TOKEN'},
	{command: 'run', title: 'negative days', args: ['run', 'steadybit', '--target', 'bundle', '--set', 'days=-1'], names: '--set days'},
	{command: 'run', title: 'days in words', args: ['run', 'steadybit', '--target', 'bundle', '--set', 'days=a year'], names: '--set days'},
	{command: 'run', title: 'an unsupported key size', args: ['run', 'steadybit', '--target', 'bundle', '--set', 'keySize=1024'], names: '--set keySize'},
	{command: 'run', title: 'caCert without caKey', args: ['run', 'generic', '--target', 'bundle', '--set', 'caCert=@ca.crt'], names: '--set caCert'},
	{command: 'run', title: 'a missing caCert file', args: ['run', 'generic', '--target', 'bundle', '--set', 'caCert=~nope.crt', '--set', 'caKey=@ca.key'], names: 'caCert'},
	{command: 'run', title: 'a directory as caKey', args: ['run', 'generic', '--target', 'bundle', '--set', 'caCert=@ca.crt', '--set', 'caKey=@dir'], names: 'caKey'},
	{command: 'run', title: 'a CA key that is not the CA certificate\'s', args: ['run', 'generic', '--target', 'bundle', '--set', 'caCert=@ca.crt', '--set', 'caKey=@server.key'], names: '--set caKey: '},
	{command: 'run', title: 'a text file as caCert', args: ['run', 'generic', '--target', 'bundle', '--set', 'caCert=@notes.txt', '--set', 'caKey=@ca.key'], names: '--set caCert: '},
	{command: 'run', title: 'a leaf certificate as caCert', args: ['run', 'generic', '--target', 'bundle', '--set', 'caCert=@server.crt', '--set', 'caKey=@server.key'], names: '--set caCert: '},
	{command: 'run', title: 'a values file that is not YAML', args: ['run', 'steadybit', '--target', 'helm', '--set', 'clusterName=c', '--set', 'extraValuesFile=~values.yaml'], env: {MTLS_WIZARD_ANSWER_AGENT_KEY: 'k'}, names: '--set extraValuesFile: ', files: {'values.yaml': 'image: [unclosed\n'}},
	{command: 'run', title: 'a values file that is a list', args: ['run', 'portainer', '--target', 'helm', '--set', 'mtlsDomain=portainer.example', '--set', 'extraValuesFile=~values.yaml'], names: '--set extraValuesFile: ', files: {'values.yaml': '- image\n- tag\n'}},
	{command: 'run', title: 'a directory as the values file', args: ['run', 'steadybit', '--target', 'helm', '--set', 'clusterName=c', '--set', 'extraValuesFile=@dir'], env: {MTLS_WIZARD_ANSWER_AGENT_KEY: 'k'}, names: '--set extraValuesFile: '},
	{command: 'run', title: 'a connectivity CA file that is not PEM', args: ['run', 'sap-connectivity-proxy', '--target', 'helm', '--set', 'externalHost=a.example', '--set', 'connectivityCaFile=@notes.txt'], names: '--set connectivityCaFile: '},
	{command: 'run', title: 'a delegate manifest that is not YAML', args: ['run', 'harness-delegate', '--target', 'kubectl', ...harness.slice(0, 4), '--set', 'manifest=~delegate.yaml'], names: '--set manifest: ', files: {'delegate.yaml': 'kind: [Deployment\n'}},
	{command: 'run', title: 'an --out that is a file', args: ['run', 'generic', '--target', 'bundle', '--out', '~notes.txt'], names: '--out', files: {'notes.txt': 'notes\n'}},
	{command: 'run', title: 'an empty --out', args: ['run', 'generic', '--target', 'bundle', '--out', ''], names: '--out'},
	{command: 'run', title: 'an empty --export', args: ['run', 'generic', '--target', 'bundle', '--export', ''], names: '--export'},
	{command: 'run', title: 'an --export that is not empty', args: ['run', 'generic', '--target', 'bundle', '--export', '~bundle'], names: '--export', files: {'bundle/old.txt': 'old\n'}},
	{command: 'run', title: 'an --export that is a file', args: ['run', 'generic', '--target', 'bundle', '--export', '~notes.txt'], names: '--export', files: {'notes.txt': 'notes\n'}},
	{command: 'run', title: 'an --export inside the local chart it carries', args: ['run', 'portainer', '--target', 'helm', '--set', 'mtlsDomain=p.example', '--set', 'chart=~chart', '--export', '~chart/bundle'], names: '--set chart', files: {'chart/Chart.yaml': chartYaml}},
	{command: 'run', title: 'an --export that is the local chart', args: ['run', 'portainer', '--target', 'helm', '--set', 'mtlsDomain=p.example', '--set', 'chart=~chart', '--export', '~chart'], names: '--set chart', files: {'chart/Chart.yaml': chartYaml}},
	{command: 'run', title: 'a local chart that is not there', args: ['run', 'portainer', '--target', 'helm', '--set', 'mtlsDomain=p.example', '--set', 'chart=~chart', '--export', '~bundle'], names: '--set chart'},
	{command: 'run', title: '--dry-run with --export', args: ['run', 'generic', '--target', 'bundle', '--dry-run', '--export', '~bundle'], names: '--dry-run'},
	{command: 'run', title: 'an empty --context', args: ['run', 'generic', '--target', 'kubectl', '--context', '', '--dry-run'], names: '--context'},
	{command: 'run', title: 'a deploying run without --yes and without a terminal', args: ['run', 'generic', '--target', 'kubectl'], names: '--yes'},
	{command: 'run', title: 'an unusable MTLS_WIZARD_HOME', args: ['run', 'generic', '--target', 'bundle'], env: {MTLS_WIZARD_HOME: '~notes.txt'}, names: 'MTLS_WIZARD_HOME=', files: {'notes.txt': 'notes\n'}},

	// run with --answers
	{command: 'run', title: 'a missing answers file', args: ['run', 'generic', '--target', 'bundle', '--answers', '~answers.yaml'], names: '--answers'},
	{command: 'run', title: 'a directory as the answers file', args: ['run', 'generic', '--target', 'bundle', '--answers', '@dir'], names: '--answers'},
	{command: 'run', title: 'an answers file that is not YAML', args: ['run', 'generic', '--target', 'bundle', '--answers', '~a.yaml'], names: '--answers', files: {'a.yaml': 'serverName: [unclosed\n'}},
	{command: 'run', title: 'an answers file holding a list', args: ['run', 'generic', '--target', 'bundle', '--answers', '~a.yaml'], names: '--answers', files: {'a.yaml': '- serverName\n- a.example\n'}},
	{command: 'run', title: 'an unknown key in the answers file', args: ['run', 'generic', '--target', 'bundle', '--answers', '~a.yaml'], names: 'unknown key "servername"', files: {'a.yaml': 'servername: a.example\n'}},
	{command: 'run', title: 'a bad value in the answers file', args: ['run', 'generic', '--target', 'bundle', '--answers', '~a.yaml'], names: 'a.yaml: serverName: "bad_name!"', files: {'a.yaml': 'serverName: bad_name!\n'}},
	{command: 'run', title: 'a nested value in the answers file', args: ['run', 'generic', '--target', 'bundle', '--answers', '~a.yaml'], names: 'a.yaml: serverName', files: {'a.yaml': 'serverName:\n  name: a.example\n'}},
	{command: 'run', title: 'a bad number in the answers file', args: ['run', 'steadybit', '--target', 'bundle', '--answers', '~a.yaml'], names: 'a.yaml: days', files: {'a.yaml': 'days: -3\n'}},
	{command: 'run', title: 'caCert without caKey in the answers file', args: ['run', 'generic', '--target', 'bundle', '--answers', '~a.yaml'], names: 'a.yaml: caCert', files: {'a.yaml': 'caCert: ./ca.crt\n'}},
	{command: 'run', title: 'an empty secret in the answers file', args: ['run', 'harness-delegate', '--target', 'docker', ...harness, '--yes', '--answers', '~a.yaml'], names: 'delegateToken', files: {'a.yaml': 'delegateToken: ""\n'}},

	// inspect
	{command: 'inspect', title: 'a missing file', args: ['inspect', '~nope.crt'], names: 'nope.crt'},
	{command: 'inspect', title: 'a directory', args: ['inspect', '@dir'], names: 'is a directory'},
	{command: 'inspect', title: 'a text file', args: ['inspect', '@notes.txt'], names: 'notes.txt'},
	{command: 'inspect', title: 'a private key instead of a certificate', args: ['inspect', '@server.key'], names: 'server.key'},
	{command: 'inspect', title: 'a missing --ca', args: ['inspect', '@server.crt', '--ca', '~nope.crt'], names: '--ca'},
	{command: 'inspect', title: 'no file at all', args: ['inspect'], names: 'file'},

	// verify
	{command: 'verify', title: 'a missing directory', args: ['verify', '~nope'], names: 'DIR'},
	{command: 'verify', title: 'an empty directory', args: ['verify', '~empty'], names: 'DIR', files: {'empty/.keep': ''}},
	{command: 'verify', title: 'a file instead of a directory', args: ['verify', '@server.crt'], names: 'DIR'},
	{command: 'verify', title: 'only --ca', args: ['verify', '--ca', '@ca.crt'], names: '--server-cert'},
	{command: 'verify', title: 'a certificate as the server key', args: ['verify', '--ca', '@ca.crt', '--server-cert', '@server.crt', '--server-key', '@server.crt', '--client-cert', '@client.crt', '--client-key', '@client.key'], names: '--server-key'},
	{command: 'verify', title: 'a missing client key', args: ['verify', '--ca', '@ca.crt', '--server-cert', '@server.crt', '--server-key', '@server.key', '--client-cert', '@client.crt', '--client-key', '~nope.key'], names: '--client-key'},
	{command: 'verify', title: 'nothing at all', args: ['verify'], names: 'DIR'},

	// resume
	{command: 'resume', title: 'a malformed session id', args: ['resume', 'last one'], names: 'session id'},
	{command: 'resume', title: 'an unknown session id', args: ['resume', '20990101-000000-abcd'], names: 'session id'},
	{command: 'resume', title: 'a finished session', args: ['resume', '@finished'], names: 'already finished'},
	{command: 'resume', title: 'an unfinished session with a missing answers file', args: ['resume', '@failed', '--answers', '~secrets.yaml'], names: '--answers'},
	{command: 'resume', title: 'an unfinished session with a bad answers file', args: ['resume', '@failed', '--answers', '~a.yaml'], names: 'a.yaml: serverName', files: {'a.yaml': 'serverName: bad_name!\n'}},
	{command: 'resume', title: 'a replacement caCert that is not a CA', args: ['resume', '@failed', '--set', 'caCert=@server.crt', '--set', 'caKey=@server.key'], names: '--set caCert: '},
	{command: 'resume', title: 'a replacement of a secret on the command line', args: ['resume', '@failed', '--set', 'caKeyPassphrase=x'], names: '--set caKeyPassphrase'},
	{command: 'resume', title: 'two session ids', args: ['resume', '@failed', '@finished'], names: 'resume'},
	// rotate-ca
	{command: 'rotate-ca', title: 'an unknown session id', args: ['rotate-ca', '20990101-000000-abcd'], names: 'session id'},
	{command: 'rotate-ca', title: 'an unfinished session', args: ['rotate-ca', '@failed'], names: 'has not finished'},
	{command: 'rotate-ca', title: 'an agent the session does not have', args: ['rotate-ca', '@finished', '--exclude-agent', 'edge-9'], names: '--exclude-agent edge-9'},
	{command: 'rotate-ca', title: 'a dry run and an export at once', args: ['rotate-ca', '@finished', '--dry-run', '--export', '~bundle'], names: '--dry-run'},
];

let fixtures: Record<string, string>;
let templateHome: string;

let root: string;
test.after.always(async () => rm(root, {recursive: true, force: true}));

test.before(async () => {
	root = await mkdtemp(join(tmpdir(), 'mtls-corpus-fixtures-'));
	const issued = await issuePki();
	const pki = join(root, 'pki');
	await mkdir(pki);
	fixtures = await writeAll(pki, {
		'ca.crt': issued.ca.certificatePem,
		'ca.key': issued.ca.privateKeyPem,
		'server.crt': issued.server.certificatePem,
		'server.key': issued.server.privateKeyPem,
		'client.crt': issued.client.certificatePem,
		'client.key': issued.client.privateKeyPem,
		'notes.txt': 'this is not a certificate\n',
	});
	fixtures['dir'] = join(pki, 'dir');
	await mkdir(fixtures['dir']);
	// One finished session and one failed one, as a real run saves them.
	templateHome = join(root, 'home');
	const work = join(root, 'work');
	await mkdir(work);
	const done = await runCli(['run', 'generic', '--target', 'bundle', '--json'], {cwd: work, env: {MTLS_WIZARD_HOME: templateHome}});
	if (done.exitCode !== 0) throw new Error(`the template run failed: ${done.stdout}${done.stderr}`);
	const finished = (JSON.parse(done.stdout.split('\n')[0]!) as {sessionId: string}).sessionId;
	const sessions = join(templateHome, 'sessions');
	const saved = JSON.parse(await readFile(join(sessions, `${finished}.json`), 'utf8')) as {id: string; outcome: string; steps: Record<string, {state: string}>; stepOrder: string[]};
	const failed = `${finished.slice(0, -4)}ffff`;
	saved.id = failed;
	saved.outcome = 'failed';
	saved.steps[saved.stepOrder.at(-1)!]!.state = 'failed';
	await writeFile(join(sessions, `${failed}.json`), JSON.stringify(saved), {mode: 0o600});
	fixtures['finished'] = finished;
	fixtures['failed'] = failed;
});

/** Every path under dir with its mode (and size for files): what "nothing written, no mode changed" compares. */
async function snapshot(dir: string): Promise<Record<string, string>> {
	const entries: Record<string, string> = {};
	const walk = async (path: string) => {
		const info = await stat(path);
		entries[path] = `${(info.mode & 0o7777).toString(8)}${info.isDirectory() ? '/' : ` ${info.size}`}`;
		if (info.isDirectory()) for (const name of await readdir(path)) await walk(join(path, name));
	};

	await walk(dir);
	return entries;
}

function resolveArgument(argument: string, cwd: string): string {
	return argument
		.replace(/^(.*=)?@(.+)$/, (_all, prefix: string | undefined, name: string) => `${prefix ?? ''}${fixtures[name] ?? `@${name}`}`)
		.replace(/^(.*=)?~(.*)$/, (_all, prefix: string | undefined, name: string) => `${prefix ?? ''}${join(cwd, name)}`);
}

for (const c of cases) {
	test(`${c.command}: ${c.title} → exit ${c.exitCode ?? 2}, names ${c.names}, writes nothing`, async t => {
		const cwd = await tempDir(t, 'mtls-corpus-');
		const home = join(cwd, 'home');
		await cp(templateHome, home, {recursive: true});
		for (const [name, content] of Object.entries(c.files ?? {})) {
			await mkdir(join(cwd, name, '..'), {recursive: true});
			await writeFile(join(cwd, name), content);
		}

		const env = {MTLS_WIZARD_HOME: home, ...Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, resolveArgument(v, cwd)]))};
		const before = {cwd: await snapshot(cwd), fixtures: await snapshot(join(fixtures['ca.crt']!, '..'))};
		const result = await runCli(c.args.map(argument => resolveArgument(argument, cwd)), {cwd, env, timeoutMs: 60_000});
		const output = `exit ${result.exitCode}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
		t.is(result.exitCode, c.exitCode ?? 2, output);
		t.is(result.stdout, '', output);
		const lines = result.stderr.trimEnd().split('\n');
		t.true(lines.length <= 2 && lines[0]!.startsWith('mtls-wizard: '), output);
		t.true(result.stderr.includes(resolveArgument(c.names, cwd)), `must name ${c.names}\n${output}`);
		t.notRegex(result.stderr, /\n\s+at |unexpected error/, output);
		t.deepEqual(await snapshot(cwd), before.cwd, `nothing written, no mode changed in the working directory\n${output}`);
		t.deepEqual(await snapshot(join(fixtures['ca.crt']!, '..')), before.fixtures, 'the fixtures are left as they were');
	});
}

test('the corpus has at least 60 cases over certs, run, inspect, verify, resume and rotate-ca', t => {
	t.true(cases.length >= 60, `${cases.length} cases`);
	t.deepEqual([...new Set(cases.map(c => c.command))].sort(), ['certs', 'inspect', 'resume', 'rotate-ca', 'run', 'verify']);
});
