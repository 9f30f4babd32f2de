/**
 * The shape of a recipe file (recipes/<id>.yaml). Recipes are data: every string may hold `{{variables}}`
 * that the planner fills in from the answers; `{$secret: id}` marks where a secret answer goes, so the
 * plan carries a SecretRef and never the secret itself.
 */
import {z} from 'zod';
import {builtInNetworks, dockerNamePattern} from './docker-names.js';

const targetIds = ['helm', 'kubectl', 'docker', 'swarm', 'bundle'] as const;
const targetId = z.enum(targetIds);

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** A template string, or a number where the step field is numeric. */
const numberOrTemplate = z.union([z.number(), z.string()]);

const condition = z
	.object({
		answer: z.string(),
		equals: scalar.optional(),
		notEquals: scalar.optional(),
		present: z.boolean().optional(),
	})
	.strict();

/** One condition, or a list that must all hold. */
const when = z.union([condition, z.array(condition).min(1)]);

const secretMarker = z.object({$secret: z.string()}).strict();

type TreeSpec = string | number | boolean | null | {$secret: string} | TreeSpec[] | {[key: string]: TreeSpec};
const treeSpec: z.ZodType<TreeSpec> = z.lazy(() =>
	z.union([z.string(), z.number(), z.boolean(), z.null(), secretMarker, z.array(treeSpec), z.record(z.string(), treeSpec)]),
);

const questionFormats = ['dns-name', 'ip-address', 'common-name', 'k8s-namespace', 'k8s-name', 'https-url', 'image', 'path', 'host-path', 'agent'] as const;

/**
 * What the file a `path` answer names must hold, checked where the answer is given (the wizard's question, run's
 * --set or --answers): helm values are one YAML mapping, a manifest is YAML documents, PEM certificates or a PEM key.
 */
export const fileContents = ['yaml-map', 'yaml-documents', 'pem-certificates', 'pem-private-key'] as const;

const question = z
	.object({
		/** camelCase: it is the `--set` key and, upper-snaked, the MTLS_WIZARD_ANSWER_ env suffix. */
		id: z.string().regex(/^[a-z][a-zA-Z\d]*$/, 'expected a camelCase id like namespace or agentKey'),
		prompt: z.string().min(1),
		help: z.string().optional(),
		type: z.enum(['string', 'integer', 'boolean', 'choice', 'list']),
		format: z.enum(questionFormats).optional(),
		content: z.enum(fileContents).optional(),
		choices: z.array(z.union([z.string(), z.number()])).min(1).optional(),
		/** How the wizard words a choice; `--set` and answers files take the choice itself. */
		choiceLabels: z.record(z.string(), z.string().min(1)).optional(),
		/** For pattern checks: a regular expression and, in words, what it expects. */
		pattern: z.object({regex: z.string(), expected: z.string()}).strict().optional(),
		min: z.number().int().optional(),
		max: z.number().int().optional(),
		default: scalar.optional(),
		required: z.boolean().default(false),
		secret: z.boolean().default(false),
		/**
		 * Asked twice in the wizard, which must match: for a secret nobody can read back while typing and whose typo
		 * locks something away for good (a passphrase that encrypts a new key).
		 */
		confirm: z.boolean().optional(),
		/** Asked only for these targets; all targets when absent. */
		targets: z.array(targetId).min(1).optional(),
	})
	.strict()
	.superRefine((q, context) => {
		if (q.type === 'choice' && !q.choices) context.addIssue({code: 'custom', path: ['choices'], message: 'a choice question needs choices'});
		for (const labelled of Object.keys(q.choiceLabels ?? {})) {
			if (!q.choices?.map(String).includes(labelled)) context.addIssue({code: 'custom', path: ['choiceLabels', labelled], message: 'labels a value that is not one of the choices'});
		}

		if (q.content && q.format !== 'path') context.addIssue({code: 'custom', path: ['content'], message: 'only a path question names what its file holds'});
		if (q.secret && q.default !== undefined) context.addIssue({code: 'custom', path: ['default'], message: 'a secret question cannot have a default'});
		if (q.confirm && !(q.secret && q.type === 'string')) {
			context.addIssue({code: 'custom', path: ['confirm'], message: 'only a secret string question is asked twice; a visible answer can be read back'});
		}
		if (q.pattern) {
			try {
				new RegExp(q.pattern.regex);
			} catch {
				context.addIssue({code: 'custom', path: ['pattern', 'regex'], message: 'is not a valid regular expression'});
			}
		}
	});

const leafId = z.string().regex(/^[a-z][a-z\d-]*$/, 'expected a lowercase id like server or agent-client');

const certificates = z
	.object({
		ca: z.object({commonName: z.string().min(1)}).strict(),
		leaves: z
			.array(
				z
					.object({
						id: leafId.refine(id => id !== 'ca', 'ca is the CA itself; name the leaf otherwise'),
						role: z.enum(['server', 'client', 'server-client']),
						commonName: z.string().min(1),
						/** Templates; one that renders to a comma-separated list (a `list` answer) adds each name. */
						dnsNames: z.array(z.string()).default([]),
						ipAddresses: z.array(z.string()).default([]),
						keyPassphrase: secretMarker.optional(),
					})
					.strict(),
			)
			.min(1),
		/** The pair the local mutual-TLS handshake proves before anything is deployed. */
		handshake: z.object({server: leafId, client: leafId, serverName: z.string().min(1)}).strict(),
	})
	.strict()
	.superRefine((c, context) => {
		const ids = c.leaves.map(l => l.id);
		for (const [index, id] of ids.entries()) {
			if (ids.indexOf(id) !== index) context.addIssue({code: 'custom', path: ['leaves', index, 'id'], message: `duplicate leaf id ${id}`});
		}

		for (const side of ['server', 'client'] as const) {
			const leaf = c.leaves.find(l => l.id === c.handshake[side]);
			if (!leaf) {
				context.addIssue({code: 'custom', path: ['handshake', side], message: `expected one of ${ids.join(', ')}`});
			} else if (leaf.role !== side && leaf.role !== 'server-client') {
				context.addIssue({code: 'custom', path: ['handshake', side], message: `leaf ${leaf.id} has role ${leaf.role}, not ${side}`});
			}
		}
	});

const stepBase = {
	id: z.string().regex(/^[a-z][a-z\d-]*$/, 'expected a lowercase id like secret-agent-client'),
	title: z.string().min(1),
	when: when.optional(),
	/**
	 * Planned once per agent of a fleet (the `agents` answer), with {{agent.name}}, {{agent.suffix}} ('-<name>' in a
	 * fleet, '' for the recipe's single agent) and the agent leaf's {{pki.<leaf>.*}} naming that agent's files.
	 */
	forEachAgent: z.boolean().optional(),
};

const kubeTarget = {namespace: z.string()};

const kubeSecret = z
	.object({
		...stepBase,
		...kubeTarget,
		kind: z.literal('kube-secret'),
		name: z.string(),
		type: z.enum(['generic', 'tls']),
		/** The Secret's `type:` for generic secrets, e.g. kubernetes.io/tls with an extra ca.crt key. Opaque when absent. */
		secretType: z.string().optional(),
		files: z.array(z.object({key: z.string(), path: z.string(), when: when.optional()}).strict()).min(1),
		createNamespace: z.boolean().default(true),
	})
	.strict()
	.superRefine((s, context) => {
		if (s.type === 'tls') {
			const keys = s.files.map(f => f.key).sort();
			if (keys.join(',') !== 'tls.crt,tls.key') {
				context.addIssue({code: 'custom', path: ['files'], message: 'a tls secret holds exactly the keys tls.crt and tls.key; use type generic for more'});
			}

			if (s.secretType) context.addIssue({code: 'custom', path: ['secretType'], message: 'only generic secrets take a secretType'});
		}
	});

const helmRelease = z
	.object({
		...stepBase,
		...kubeTarget,
		kind: z.literal('helm-release'),
		release: z.string(),
		chart: z.string(),
		/** Added only when `chart` is `<repo.name>/<chart>`; a local chart or URL needs no repo. */
		repo: z.object({name: z.string(), url: z.string()}).strict().optional(),
		version: z.string().optional(),
		/** User values files applied before the wizard's own (later files win). */
		extraValuesFiles: z.array(z.string()).optional(),
		/**
		 * Keys the user's files must not set: a later values file cannot delete a key an earlier one sets, so where a
		 * mode needs a key absent, a file that sets it is refused, naming the key.
		 */
		extraValuesMustNotSet: z
			.array(z.object({key: z.string().regex(/^[\w-]+(\.[\w-]+)*$/, 'expected a dotted values path like ingress.tls'), when: when.optional(), reason: z.string().min(1)}).strict())
			.optional(),
		valuesFile: z.string(),
		values: z.record(z.string(), treeSpec),
		/** Merged over `values`, in order, when their condition holds. */
		valuesWhen: z.array(z.object({when, values: z.record(z.string(), treeSpec)}).strict()).optional(),
		createNamespace: z.boolean().default(true),
		waitSeconds: numberOrTemplate.default(300),
	})
	.strict();

const manifestPatch = z
	.object({
		kind: z.string(),
		name: z.string().optional(),
		description: z.string(),
		op: z.enum(['merge-env', 'add-volume', 'add-volume-mount', 'set', 'merge-config-yaml']),
		path: z.string().startsWith('/'),
		value: treeSpec,
	})
	.strict();

const kubectlApply = z
	.object({
		...stepBase,
		...kubeTarget,
		kind: z.literal('kubectl-apply'),
		manifest: z.string(),
		patchFrom: z.object({source: z.string(), patches: z.array(manifestPatch).min(1)}).strict().optional(),
		rolloutResource: z.string().optional(),
		waitSeconds: numberOrTemplate.default(300),
	})
	.strict();

const mount = z.object({source: z.string(), target: z.string(), readOnly: z.boolean().default(true)}).strict();

/** A template: checked once rendered, since its value comes from the answers. */
const isTemplate = (value: string) => value.includes('{{');

const dockerName = z.string().refine(name => isTemplate(name) || dockerNamePattern.test(name), 'expected a Docker name: a letter or digit, then letters, digits, _ . or -');

const envMap = z.record(z.string(), z.string());
const secretEnvMap = z.record(z.string(), secretMarker);

const portMapping = z.object({published: numberOrTemplate, target: numberOrTemplate, hostIp: z.string().optional()}).strict();

const dockerRun = z
	.object({
		...stepBase,
		kind: z.literal('docker-run'),
		container: z.string(),
		image: z.string(),
		/** Any Docker network; the engine's default bridge when absent, as `docker run` itself does. */
		network: dockerName.default('bridge'),
		/** Names other containers on a user-defined network reach this one by (docker run --network-alias). */
		networkAliases: z.array(z.string()).default([]),
		ports: z.array(portMapping).default([]),
		mounts: z.array(mount).default([]),
		env: envMap.default({}),
		secretEnv: secretEnvMap.default({}),
		envFile: z.string().optional(),
		/** uid[:gid] or a name; `{{invoker.uid}}:{{invoker.gid}}` runs the container as whoever runs the wizard. */
		user: z.string().optional(),
		args: z.array(z.string()).default([]),
	})
	.strict()
	.superRefine((s, context) => {
		if (s.networkAliases.length > 0 && builtInNetworks.has(s.network)) {
			context.addIssue({code: 'custom', path: ['networkAliases'], message: `network aliases work only on a user-defined network, not ${s.network}; create one with a docker-network step and join it`});
		}

		if (s.ports.length > 0 && (s.network === 'host' || s.network === 'none')) {
			context.addIssue({code: 'custom', path: ['ports'], message: `published ports do nothing on network ${s.network}; use a bridge or user-defined network`});
		}
	});

const dockerSecret = z.object({...stepBase, kind: z.literal('docker-secret'), name: z.string(), file: z.string()}).strict();

/** Created only when missing, so a re-run (or another recipe's network of the same name) is left as it is. */
const dockerNetwork = z
	.object({...stepBase, kind: z.literal('docker-network'), name: dockerName, driver: z.enum(['bridge', 'overlay']), attachable: z.boolean().optional()})
	.strict()
	.refine(s => isTemplate(s.name) || !builtInNetworks.has(s.name), {path: ['name'], message: 'bridge, host and none exist on every engine; name a network of your own'});

const publishMode = z.string().refine(mode => isTemplate(mode) || mode === 'ingress' || mode === 'host', 'expected ingress or host (or a template for an answer)');

const swarmService = z
	.object({
		...stepBase,
		kind: z.literal('swarm-service'),
		service: z.string(),
		image: z.string(),
		/** An overlay network (tasks.<service> DNS lives there); required because swarm has no sensible default. */
		network: dockerName,
		mode: z.enum(['replicated', 'global']).default('replicated'),
		/** For replicated services only; 1 when absent. */
		replicas: numberOrTemplate.optional(),
		publish: z.array(z.object({published: numberOrTemplate, target: numberOrTemplate, mode: publishMode.default('ingress')}).strict()).default([]),
		constraints: z.array(z.string()).default([]),
		secrets: z.array(z.object({source: z.string(), target: z.string()}).strict()).default([]),
		mounts: z.array(mount).optional(),
		env: envMap.default({}),
		secretEnv: secretEnvMap.default({}),
		args: z.array(z.string()).default([]),
	})
	.strict()
	.refine(s => s.mode !== 'global' || s.replicas === undefined, {path: ['replicas'], message: 'a global service runs one task per node; leave replicas out or use mode replicated'});

const fileToWrite = z
	.object({
		path: z.string(),
		contents: z.union([z.string(), z.object({yaml: z.record(z.string(), treeSpec)}).strict(), z.object({envFile: z.record(z.string(), z.union([z.string(), secretMarker]))}).strict()]),
		mode: z.number().int().default(0o600),
	})
	.strict();

const writeFiles = z.object({...stepBase, kind: z.literal('write-files'), files: z.array(fileToWrite).min(1)}).strict();

const manual = z.object({...stepBase, kind: z.literal('manual'), instructions: z.array(z.string()).min(1)}).strict();

const failurePattern = z.object({pattern: z.string(), hint: z.string().min(1)}).strict();

const logSource = z.discriminatedUnion('kind', [
	z.object({kind: z.literal('docker-container'), container: z.string()}).strict(),
	z.object({kind: z.literal('docker-service'), service: z.string()}).strict(),
	z.object({kind: z.literal('kubectl'), resource: z.string(), container: z.string().optional(), namespace: z.string()}).strict(),
]);

const waitForLog = z
	.object({
		...stepBase,
		kind: z.literal('wait-for-log'),
		source: logSource,
		/** The id of an entry in the recipe's `checks`. */
		check: z.string(),
	})
	.strict();

const tlsProbe = z
	.object({
		...stepBase,
		kind: z.literal('tls-probe'),
		/** An address the wizard's host reaches, or use hostFrom. */
		host: z.string().optional(),
		/**
		 * The address of a container on a Docker network, looked up when the probe runs: a container on a
		 * user-defined network may publish no port at all.
		 */
		hostFrom: z.object({dockerContainer: z.string(), network: dockerName}).strict().optional(),
		port: numberOrTemplate,
		serverName: z.string(),
		caFile: z.string(),
		clientCertFile: z.string(),
		clientKeyFile: z.string(),
		/** The secret answer that decrypts clientKeyFile, when the client key is encrypted. */
		keyPassphrase: secretMarker.optional(),
		presentClientCertificate: z.boolean().optional(),
		clientCertificateOptional: z.boolean().optional(),
		httpPath: z.string().optional(),
		timeoutSeconds: numberOrTemplate.default(120),
		failureHints: z.array(failurePattern).default([]),
	})
	.strict()
	.refine(s => (s.host === undefined) !== (s.hostFrom === undefined), {path: ['host'], message: 'give exactly one of host and hostFrom'});

const productStep = z.discriminatedUnion('kind', [kubeSecret, helmRelease, kubectlApply, dockerRun, dockerSecret, dockerNetwork, swarmService, writeFiles, manual]);
const confirmStep = z.discriminatedUnion('kind', [waitForLog, tlsProbe, manual]);

const check = z
	.object({
		success: z.array(z.object({pattern: z.string(), description: z.string().min(1)}).strict()).min(1),
		failures: z.array(failurePattern.extend({transient: z.boolean().optional()}).strict()).default([]),
		timeoutSeconds: z.number().int().positive().default(180),
		timeoutHints: z.array(z.string()).default([]),
	})
	.strict()
	.superRefine((c, context) => {
		for (const [group, list] of [['success', c.success], ['failures', c.failures]] as const) {
			for (const [index, p] of list.entries()) {
				try {
					new RegExp(p.pattern);
				} catch {
					context.addIssue({code: 'custom', path: [group, index, 'pattern'], message: 'is not a valid regular expression'});
				}
			}
		}
	});

/** The side a fleet multiplies: which leaf each agent gets its own copy of, and what its bundle holds. */
const agents = z
	.object({
		/** A client leaf of `certificates`; per agent it is issued with the agent's name as CN and its extra SANs. */
		leaf: leafId,
		/**
		 * Files of each agent's bundle agents/<name>/, beside its certificate, key and ca.crt: the exact env and flags
		 * that agent runs with. {{agent.dir}} is the bundle directory.
		 */
		bundle: z.array(z.object({name: z.string().regex(/^[\w.-]+$/, 'expected a file name like run.sh'), contents: z.string().min(1), mode: z.number().int().default(0o644)}).strict()).min(1),
		/** The targets that take a fleet (all when absent): one that deploys a single agent the user wrote asks no agents. */
		targets: z.array(targetId).min(1).optional(),
	})
	.strict();

/**
 * How `rotate-ca` meets the product's trust points. singleCaSteps: steps that hand the CA to a party holding one CA
 * at a time (a vendor's account): they get the old CA in phase 1 and the new one in phase 2, where the brief outage
 * falls. notes: shown as steps of their phase, saying where an outage falls and why, or what is not verified.
 */
const rotation = z
	.object({
		singleCaSteps: z.array(z.string().min(1)).default([]),
		notes: z.array(z.object({phase: z.union([z.literal(1), z.literal(2), z.literal(3)]), title: z.string().min(1), instructions: z.array(z.string().min(1)).min(1)}).strict()).default([]),
	})
	.strict();

const target = z
	.object({
		description: z.string().min(1),
		/** Replaces the recipe's `certificates` for this target (other names, other leaves). */
		certificates: certificates.optional(),
		steps: z.array(productStep).default([]),
		confirm: z.array(confirmStep).default([]),
	})
	.strict();

export const recipeSchema = z
	.object({
		id: z.string().regex(/^[a-z][a-z\d-]*$/),
		title: z.string().min(1),
		description: z.string().min(1),
		questions: z.array(question).default([]),
		certificates,
		agents: agents.optional(),
		rotation: rotation.optional(),
		checks: z.record(z.string(), check).default({}),
		targets: z.partialRecord(targetId, target),
	})
	.strict()
	.superRefine((r, context) => {
		const ids = r.questions.map(q => q.id);
		for (const [index, id] of ids.entries()) {
			if (ids.indexOf(id) !== index) context.addIssue({code: 'custom', path: ['questions', index, 'id'], message: `duplicate question id ${id}`});
		}

		const targets = Object.keys(r.targets);
		if (targets.length === 0) context.addIssue({code: 'custom', path: ['targets'], message: 'a recipe needs at least one target'});
		if (targets.some(t => t !== 'bundle') && !targets.includes('bundle')) {
			context.addIssue({code: 'custom', path: ['targets', 'bundle'], message: 'every recipe with a deployment target also offers bundle (export only)'});
		}

		if (r.agents) {
			const leaf = r.certificates.leaves.find(l => l.id === r.agents!.leaf);
			if (leaf?.role !== 'client') context.addIssue({code: 'custom', path: ['agents', 'leaf'], message: `expected a client leaf of certificates (${r.certificates.leaves.filter(l => l.role === 'client').map(l => l.id).join(', ') || 'none'})`});
		}

		const stepIds = new Set(Object.values(r.targets).flatMap(spec => [...spec.steps, ...spec.confirm].map(step => step.id)));
		for (const [index, id] of (r.rotation?.singleCaSteps ?? []).entries()) {
			if (!stepIds.has(id)) context.addIssue({code: 'custom', path: ['rotation', 'singleCaSteps', index], message: `expected the id of a step of a target, not ${id}`});
		}

		for (const [name, spec] of Object.entries(r.targets)) {
			for (const [group, steps] of [['steps', spec.steps], ['confirm', spec.confirm]] as const) {
				for (const [index, step] of steps.entries()) {
					if (step.forEachAgent && !r.agents) {
						context.addIssue({code: 'custom', path: ['targets', name, group, index, 'forEachAgent'], message: 'needs an agents section naming the agent leaf'});
					}

					if (['certificates', 'verify-handshake'].includes(step.id) || step.id.endsWith('-values')) {
						context.addIssue({code: 'custom', path: ['targets', name, group, index, 'id'], message: `${step.id} is reserved for the planner`});
					}

					if (step.kind === 'wait-for-log' && !(step.check in r.checks)) {
						context.addIssue({
							code: 'custom',
							path: ['targets', name, group, index, 'check'],
							message: `expected one of ${Object.keys(r.checks).join(', ') || '(no checks declared)'}`,
						});
					}
				}
			}
		}
	});

export type RecipeFile = z.infer<typeof recipeSchema>;
export type RecipeQuestion = RecipeFile['questions'][number];
export type RecipeTarget = NonNullable<RecipeFile['targets'][keyof RecipeFile['targets']]>;
export type RecipeCertificates = RecipeFile['certificates'];
export type RecipeProductStep = RecipeTarget['steps'][number];
export type RecipeConfirmStep = RecipeTarget['confirm'][number];
export type RecipeCondition = z.infer<typeof when>;
export type RecipeAgents = z.infer<typeof agents>;
export type RecipeRotation = z.infer<typeof rotation>;
export type {TreeSpec};

/** A loaded recipe: the validated file plus where it came from. */
export type Recipe = RecipeFile & {
	/** Absolute path of the recipe file. */
	file: string;
	/** SHA-256 (hex) of the file's bytes; Plan.recipeDigest. */
	digest: string;
};
