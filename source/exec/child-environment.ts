/** The wizard's own variables: secret answers (MTLS_WIZARD_ANSWER_*), key passphrases, its home and test hooks. */
const ownVariable = /^MTLS_WIZARD_/;

/**
 * The environment a tool runs with: the user's (PATH, HOME, KUBECONFIG, DOCKER_HOST, proxies... as kubectl, helm
 * and docker honour them) without any of the wizard's own variables, plus what the step passes on purpose (a secret
 * for `docker run -e NAME`). A secret answer in MTLS_WIZARD_ANSWER_* never reaches a child otherwise.
 */
export function childEnvironment(env: NodeJS.ProcessEnv, extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
	const result: NodeJS.ProcessEnv = {};
	for (const [name, value] of Object.entries(env)) if (!ownVariable.test(name) && value !== undefined) result[name] = value;
	return {...result, ...extra};
}
