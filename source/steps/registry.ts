import type {Step, StepKind} from '../plan/types.js';
import {dockerNetworkRunner} from './docker-network.js';
import {dockerRunRunner} from './docker-run.js';
import {dockerSecretRunner} from './docker-secret.js';
import {helmReleaseRunner} from './helm-release.js';
import {issueCertificatesRunner} from './issue-certificates.js';
import {kubeRestartRunner} from './kube-restart.js';
import {kubeSecretRunner} from './kube-secret.js';
import {kubectlApplyRunner} from './kubectl-apply.js';
import {manualRunner} from './manual.js';
import {swarmSecretSwapRunner} from './swarm-secret-swap.js';
import {swarmServiceRunner} from './swarm-service.js';
import {tlsProbeRunner} from './tls-probe.js';
import type {StepRunner} from './types.js';
import {verifyHandshakeRunner} from './verify-handshake.js';
import {waitForLogRunner} from './wait-for-log.js';
import {writeFilesRunner} from './write-files.js';

/** One runner per step kind; the mapped type makes a missing kind a compile error. */
const runners: {[K in StepKind]: StepRunner<Extract<Step, {kind: K}>>} = {
	'issue-certificates': issueCertificatesRunner,
	'verify-handshake': verifyHandshakeRunner,
	'write-files': writeFilesRunner,
	'kube-secret': kubeSecretRunner,
	'helm-release': helmReleaseRunner,
	'kubectl-apply': kubectlApplyRunner,
	'docker-run': dockerRunRunner,
	'docker-secret': dockerSecretRunner,
	'docker-network': dockerNetworkRunner,
	'swarm-service': swarmServiceRunner,
	'kube-restart': kubeRestartRunner,
	'swarm-secret-swap': swarmSecretSwapRunner,
	'wait-for-log': waitForLogRunner,
	'tls-probe': tlsProbeRunner,
	manual: manualRunner,
};

export function runnerFor<S extends Step>(step: S): StepRunner<S> {
	return runners[step.kind as S['kind']] as unknown as StepRunner<S>;
}
