import type {EnvironmentReport} from '../wizard/types.js';

/** The environment before any probe has answered: what the first frame shows. */
export const checkingReport: EnvironmentReport = {
	kubectl: {state: 'checking'},
	helm: {state: 'checking'},
	docker: {state: 'checking'},
	kubeContext: {state: 'checking'},
	dockerEngine: {state: 'checking'},
	dockerSwarm: {state: 'checking'},
};
