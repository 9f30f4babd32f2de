import type {Step, StepKind} from './types.js';

/** Steps that change something outside the output directory: a cluster or a Docker engine. */
const deploymentKinds: ReadonlySet<StepKind> = new Set([
	'kube-secret',
	'helm-release',
	'kubectl-apply',
	'docker-run',
	'docker-secret',
	'swarm-service',
	'kube-restart',
	'swarm-secret-swap',
]);

export function isDeploymentStep(step: Step): boolean {
	return deploymentKinds.has(step.kind);
}
