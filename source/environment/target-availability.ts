import type {TargetId} from '../plan/types.js';
import type {EnvironmentReport, Probe} from '../wizard/types.js';

const checking = 'checking…';

function problem(probe: Probe, name: string): string | undefined {
	if (probe.state === 'checking') return checking;
	return probe.state === 'missing' ? `${name}: ${probe.text}` : undefined;
}

/** Why a target cannot be used on this machine right now, or undefined when it can. "bundle" needs nothing. */
export function targetUnavailable(target: TargetId, report: EnvironmentReport): string | undefined {
	switch (target) {
		case 'bundle': {
			return undefined;
		}

		case 'kubectl': {
			return problem(report.kubectl, 'kubectl') ?? problem(report.kubeContext, 'kube context');
		}

		case 'helm': {
			return problem(report.helm, 'helm') ?? problem(report.kubectl, 'kubectl') ?? problem(report.kubeContext, 'kube context');
		}

		case 'docker': {
			return problem(report.docker, 'docker') ?? problem(report.dockerEngine, 'docker engine');
		}

		case 'swarm': {
			return problem(report.docker, 'docker') ?? problem(report.dockerEngine, 'docker engine') ?? problem(report.dockerSwarm, 'swarm');
		}
	}
}
