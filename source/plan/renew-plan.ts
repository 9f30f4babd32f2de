/**
 * A deployment's plan → the plan that renews it: the same CA, every leaf issued again, redeployed through the same
 * target so the workloads read the new certificates, then confirmed again. Pure, like the planner: the swarm
 * secrets' new names come from `renewal.version`, chosen once by the command and saved in the session, so a
 * resumed renewal rebuilds the same plan.
 */
import {join, relative} from 'node:path';
import {leafSummary} from './certificate-steps.js';
import type {HelmReleaseStep, IssueCertificatesStep, KubeRestartStep, KubectlApplyStep, Plan, Renewal, Rotation, Step} from './types.js';
import {versionOf} from './version-suffix.js';

/** kubectl rollout restart with a selector: the kinds a chart's workloads are made of. */
const workloadKinds = 'deployment,statefulset,daemonset';

/** Helm's standard label on everything a release renders (helm create, and every chart this wizard deploys). */
const releaseLabel = 'app.kubernetes.io/instance';

/** Every renewed certificate and key, a fleet's agents in their own directories. */
function leafFiles(issue: IssueCertificatesStep): Set<string> {
	return new Set(issue.leaves.flatMap(leaf => [join(leaf.dir ?? issue.dir, `${leaf.id}.crt`), join(leaf.dir ?? issue.dir, `${leaf.id}.key`)]));
}

/**
 * The restart that makes the pods of an applied manifest (its rolled-out resource) or of a helm release (every
 * workload labelled with it) read their secrets again: a pod reads a secret when it starts. None for a manifest
 * without a rolled-out resource. `which` words the secrets: renewed, new.
 */
export function restartAfter(step: KubectlApplyStep | HelmReleaseStep, id: string, which: string): KubeRestartStep | undefined {
	const {namespace, context, waitSeconds} = step;
	const base = {id, kind: 'kube-restart' as const, namespace, ...(context ? {context} : {}), waitSeconds};
	if (step.kind === 'helm-release') {
		return {...base, title: `Restart the workloads of release ${step.release} so their pods read the ${which} secrets`, resource: workloadKinds, selector: `${releaseLabel}=${step.release}`};
	}

	return step.rolloutResource ? {...base, title: `Restart ${step.rolloutResource} so its pods read the ${which} secrets`, resource: step.rolloutResource} : undefined;
}

/** A confirmation after a swarm service was updated in place counts only what its new tasks log. */
export function freshLines<S extends Step>(step: S): S {
	return step.kind === 'wait-for-log' && step.source.kind === 'docker-service' ? {...step, newLinesOnly: true} : step;
}

/** The renewal of session `of`, chosen now: `renew` and the wizard make it the same way. */
export function renewalOf(of: string, reuseKeys: boolean, now: Date, keptRotation?: Rotation): Renewal {
	return {of, reuseKeys, version: versionOf(now), ...(keptRotation ? {keptRotation} : {})};
}

/**
 * caDir: the certificates directory of the renewed session, which holds a CA the wizard generated. deployedDir: the
 * renewed deployment's directory when the plan is built elsewhere (an export): the keys --reuse-keys signs again are
 * carried from there into the bundle (Plan.carried).
 */
export function renewPlan(plan: Plan, renewal: Renewal, caDir: string, deployedDir?: string): Plan {
	const issue = plan.steps.find((step): step is IssueCertificatesStep => step.kind === 'issue-certificates');
	if (!issue) throw new Error(`recipe ${plan.recipe}, target ${plan.target}: the plan issues no certificates, so there is nothing to renew`);
	const renewed = leafFiles(issue);
	// Old swarm secret name → the new one holding the renewed file.
	const renamed = new Map<string, string>();
	const keys = renewal.reuseKeys ? 'the same keys' : 'new keys';
	const steps = plan.steps.flatMap((step): Step[] => {
		switch (step.kind) {
			case 'issue-certificates': {
				// A CA the wizard generated is read from where the deployment's session keeps it, also when an export builds elsewhere.
				const ca = step.ca.mode === 'generate' ? {mode: 'import' as const, certPath: join(caDir, 'ca.crt'), keyPath: join(caDir, 'ca.key')} : step.ca;
				const leaves = leafSummary(step.leaves);
				// caMode=csr: the PKI that signed the deployment signs again; the run stops for it as the first run did.
				const title = step.ca.mode === 'csr' ? `Request new ${leaves} certificates from your PKI, with ${keys}` : `Re-issue the ${leaves} certificates from the same CA, with ${keys}`;
				return [{...step, id: 'renew-certificates', title, ca, renew: {reuseKeys: renewal.reuseKeys}}];
			}
			case 'docker-secret': {
				// The CA is unchanged, and its secret is in use: it stays as it is.
				if (!renewed.has(step.file)) return [];
				const name = `${step.name}.${renewal.version}`;
				renamed.set(step.name, name);
				return [{...step, title: `Create Docker secret ${name}, the renewed ${step.name}`, name}];
			}

			case 'docker-network':
				return [];
			case 'swarm-service': {
				const swaps = step.secrets.filter(secret => renamed.has(secret.source)).map(secret => ({source: renamed.get(secret.source)!, target: secret.target}));
				if (swaps.length === 0) return [];
				return [{id: `swap-${step.id}`, title: `Swap the renewed secrets into service ${step.service}`, kind: 'swarm-secret-swap', service: step.service, swaps}];
			}

			case 'kubectl-apply':
			case 'helm-release': {
				const restart = restartAfter(step, `restart-${step.id}`, 'renewed');
				return restart ? [step, restart] : [step];
			}

			default:
				return [freshLines(step)];
		}
	});
	const reused = renewal.reuseKeys && deployedDir !== undefined ? issue.leaves.map(leaf => join(leaf.dir ?? issue.dir, `${leaf.id}.key`)).map(to => ({from: join(deployedDir, relative(plan.outDir, to)), to})) : [];
	return {...plan, steps, renewal, ...(reused.length === 0 ? {} : {carried: [...(plan.carried ?? []), ...reused]})};
}
