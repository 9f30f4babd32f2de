import type {EngineEvent} from '../../source/engine-events.js';
import {provedByHandshake} from '../../source/pki/handshake-cases.js';
import type {DeploymentView, EnvironmentReport, QuestionView, ResumableSession, RunStart, WizardController} from '../../source/wizard/types.js';

/**
 * Plain data behind the screens, and a record of what the UI asked for. The UI tests drive the screens with it;
 * the real controller is exercised by the pty tests of the built CLI.
 */
export type FakeController = WizardController & {
	calls: string[];
	/** Sends an engine event to the running screen. */
	emit(event: EngineEvent): void;
	setEnvironment(report: EnvironmentReport): void;
};

export const fullEnvironment: EnvironmentReport = {
	kubectl: {state: 'ok', text: 'v1.32.4'},
	helm: {state: 'missing', text: 'not found on PATH'},
	docker: {state: 'ok', text: '28.2.2'},
	kubeContext: {state: 'ok', text: 'kind-dev'},
	dockerEngine: {state: 'missing', text: 'not reachable'},
	dockerSwarm: {state: 'missing', text: 'inactive'},
};

export const questions: QuestionView[] = [
	{id: 'serverName', prompt: 'DNS name of the server', defaultValue: 'server.example.test', secret: false},
	{id: 'token', prompt: 'Agent token', secret: true},
	{id: 'days', prompt: 'Certificate validity in days', defaultValue: '825', secret: false},
];

/** deploymentsRead: the finished deployments are listed only once it settles, as certificates being read late. */
export function fakeController(options: {resumable?: ResumableSession[]; deployments?: DeploymentView[]; deploymentsRead?: Promise<void>} = {}): FakeController {
	const calls: string[] = [];
	let listener: ((event: EngineEvent) => void) | undefined;
	let environmentListener: ((report: EnvironmentReport) => void) | undefined;
	const runStart: RunStart = {
		steps: [
			{id: 'certificates', title: 'Issue CA, server and client certificates', done: false},
			{id: 'verify', title: 'Prove the pair with a local mutual-TLS handshake', done: false},
			{id: 'secret', title: 'Create secret demo/agent-tls', done: false},
			{id: 'confirm', title: 'Wait for the agent to connect over mTLS', done: false},
		],
	};
	return {
		calls,
		emit(event) {
			listener?.(event);
		},
		setEnvironment(report) {
			environmentListener?.(report);
		},
		checkEnvironment(onUpdate) {
			calls.push('checkEnvironment');
			environmentListener = onUpdate;
		},
		async findResumable() {
			return options.resumable ?? [];
		},
		async discardSession(id) {
			calls.push(`discard ${id}`);
		},
		async findDeployments() {
			await options.deploymentsRead;
			return options.deployments ?? [];
		},
		async reviewDeployment(sessionId, actionId, secrets) {
			calls.push(`reviewDeployment ${sessionId} ${actionId} ${Object.keys(secrets).join(',')}`);
			return {
				answers: [{id: 'serverName', shown: 'server.example.test', isDefault: true}],
				certificates: ['server (server): CN=server.example.test DNS:server.example.test (825 days, RSA 2048)'],
				headless: {command: `mtls-wizard renew ${sessionId}${actionId === 'renew-reuse-keys' ? ' --reuse-keys' : ''}`},
				outDir: '/tmp/out',
				files: [{path: '/tmp/out/certs/server.crt', mode: '0644'}],
				commands: ['kubectl apply -f /tmp/out/certs/kube-secret-demo-agent-tls.yaml -n demo'],
				steps: [{id: 'renew-certificates', title: 'Re-issue the server, client certificates from the same CA, with new keys'}],
			};
		},
		async listRecipes() {
			return [
				{
					id: 'generic',
					title: 'Generic mTLS',
					description: 'a CA, a server and a client certificate',
					targets: [
						{id: 'helm', label: 'Helm', description: 'install with helm'},
						{id: 'kubectl', label: 'kubectl', description: 'apply a manifest'},
						{id: 'docker', label: 'Docker', description: 'docker run'},
						{id: 'bundle', label: 'Export a bundle', description: 'files and apply.sh, run nothing'},
					],
				},
				{id: 'steadybit', title: 'Steadybit agent ↔ extensions', description: 'agent client certificate', targets: [{id: 'bundle', label: 'Export a bundle', description: ''}]},
			];
		},
		async questions(_recipe, _target, answers) {
			// Mirrors a conditional question: the token is asked only for a non-default server name.
			return questions.filter(question => question.id !== 'token' || answers['serverName'] !== 'skip.example.test');
		},
		async validateAnswer(_recipe, _target, questionId, value) {
			calls.push(`validate ${questionId}=${questionId === 'token' ? '<secret>' : value}`);
			if (questionId === 'days' && !/^\d+$/.test(value)) return `days: "${value}" is not a whole number. Enter a number of days, e.g. 825`;
			if (questionId === 'token' && value === '') return 'token: (empty) is required. Paste the agent token';
			return undefined;
		},
		async review(recipe, target, answers) {
			calls.push(`review ${recipe} ${target} ${JSON.stringify({...answers, token: answers['token'] ? '<secret>' : undefined})}`);
			return {
				answers: [
					{id: 'serverName', shown: answers['serverName'] || 'server.example.test', isDefault: !answers['serverName']},
					{id: 'token', shown: answers['token'] ? '••••••••' : '', isDefault: false},
					{id: 'days', shown: answers['days'] || '825', isDefault: !answers['days']},
				],
				certificates: [`server (server): CN=${answers['serverName'] || 'server.example.test'} DNS:${answers['serverName'] || 'server.example.test'} (825 days, RSA 2048)`],
				headless: {
					command: `mtls-wizard run ${recipe} --target ${target}${answers['serverName'] ? ` --set serverName=${answers['serverName']}` : ''}`,
					note: 'Export MTLS_WIZARD_ANSWER_TOKEN (the secret answer token) first: secret answers are never put on a command line.',
				},
				outDir: '/tmp/out',
				files: [
					{path: '/tmp/out/pki/ca.crt', mode: '0644'},
					{path: '/tmp/out/pki/ca.key', mode: '0600'},
				],
				commands: ['kubectl create secret generic agent-tls --namespace demo --from-file=tls.crt=/tmp/out/pki/server.crt'],
				steps: runStart.steps,
			};
		},
		async exportBundle(dir) {
			calls.push(`export ${dir}`);
			return {dir, files: ['apply.sh', 'pki/ca.crt']};
		},
		async startRun(from, onEvent) {
			calls.push(from === 'reviewed' ? 'run' : `resume ${from.sessionId} ${Object.keys(from.secrets).join(',')}`);
			listener = onEvent;
			return from === 'reviewed' ? runStart : {steps: runStart.steps.map((step, i) => ({...step, done: i < 2}))};
		},
		async changeAnswers(from) {
			calls.push(`changeAnswers ${from === 'run' ? 'run' : from.sessionId}`);
			return {recipe: 'generic', target: 'kubectl', answers: {serverName: 'server.example.test', token: 'x', days: '90'}, question: 'days'};
		},
		async retry(onEvent) {
			calls.push('retry');
			listener = onEvent;
			return {steps: runStart.steps.map((step, i) => ({...step, done: i < 3}))};
		},
		async summary() {
			return {
				outDir: '/tmp/out',
				sessionId: 's-1',
				certificates: [{file: 'ca.crt', subject: 'CN=mtls-wizard CA', notAfter: new Date('2036-01-02T00:00:00Z'), fingerprint: 'AB:CD:EF'}],
				deployed: ['secret demo/agent-tls created'],
				manualSteps: [['Hand ca.crt to the vendor.']],
				headless: {command: 'mtls-wizard run generic --target kubectl --set serverName=api.example.test'},
				proved: provedByHandshake('server.example.test'),
			};
		},
		async saveReviewed() {
			calls.push('saveReviewed');
			return 's-2';
		},
		async stop() {
			calls.push('stop');
			return 's-1';
		},
	};
}
