import type {Plan, Step, StepKind} from '../plan/types.js';
import type {StepRunner} from './types.js';

type AnyRunner = StepRunner<Step>;

/**
 * Where each kind's runner lives, imported only when a plan has that kind: a Docker run never loads the YAML
 * renderer of the Kubernetes and helm steps. The mapped type makes a missing kind a compile error, as in registry.ts,
 * which print-plan and export use to reach every kind at once.
 */
const loaders: {[K in StepKind]: () => Promise<StepRunner<Extract<Step, {kind: K}>>>} = {
	'issue-certificates': async () => (await import('./issue-certificates.js')).issueCertificatesRunner,
	'verify-handshake': async () => (await import('./verify-handshake.js')).verifyHandshakeRunner,
	'write-files': async () => (await import('./write-files.js')).writeFilesRunner,
	'kube-secret': async () => (await import('./kube-secret.js')).kubeSecretRunner,
	'helm-release': async () => (await import('./helm-release.js')).helmReleaseRunner,
	'kubectl-apply': async () => (await import('./kubectl-apply.js')).kubectlApplyRunner,
	'docker-run': async () => (await import('./docker-run.js')).dockerRunRunner,
	'docker-secret': async () => (await import('./docker-secret.js')).dockerSecretRunner,
	'docker-network': async () => (await import('./docker-network.js')).dockerNetworkRunner,
	'swarm-service': async () => (await import('./swarm-service.js')).swarmServiceRunner,
	'kube-restart': async () => (await import('./kube-restart.js')).kubeRestartRunner,
	'swarm-secret-swap': async () => (await import('./swarm-secret-swap.js')).swarmSecretSwapRunner,
	'wait-for-log': async () => (await import('./wait-for-log.js')).waitForLogRunner,
	'tls-probe': async () => (await import('./tls-probe.js')).tlsProbeRunner,
	manual: async () => (await import('./manual.js')).manualRunner,
};

/** The runners of the kinds the plan has, loaded at once; the function it resolves to serves only those kinds. */
export async function loadRunners(plan: Plan): Promise<(step: Step) => AnyRunner> {
	const kinds = [...new Set(plan.steps.map(step => step.kind))];
	const loaded = new Map<StepKind, AnyRunner>(await Promise.all(kinds.map(async kind => [kind, (await loaders[kind]()) as unknown as AnyRunner] as const)));
	return step => {
		const runner = loaded.get(step.kind);
		if (!runner) throw new Error(`no runner loaded for step kind ${step.kind}: the plan did not have it`);
		return runner;
	};
}
