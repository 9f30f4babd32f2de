import type {KubeTarget} from '../plan/types.js';

/** `-n NS` and, when set, `--context C`, so every kubectl call of a step talks to the same cluster and namespace. */
export function kubectlTarget(target: KubeTarget): string[] {
	return ['-n', target.namespace, ...(target.context ? ['--context', target.context] : [])];
}
