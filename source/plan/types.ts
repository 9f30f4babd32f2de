/**
 * A Plan is a value: the planner builds it from (recipe, target, answers) without I/O; dry-run prints it,
 * export writes it, the engine executes it, tests assert on it. Every step has an id that is stable
 * across runs of the same recipe and target, because saved sessions record progress by step id.
 *
 * Secrets never appear in a plan. Where a step needs a secret answer (a token, a key passphrase) it holds
 * a SecretRef, resolved by the engine from answers kept in memory only.
 */

export type TargetId = 'helm' | 'kubectl' | 'docker' | 'swarm' | 'bundle';

export type SecretRef = {secret: string};

/** A value that may be a secret answer, resolved only when the step runs. */
export type MaybeSecret = string | SecretRef;

/** A JSON tree whose leaves may be secret references (helm values, generated config). */
export type ValueTree = {[key: string]: ValueTree | ValueTree[] | MaybeSecret | number | boolean | null};

export type KeySize = 2048 | 3072 | 4096;

/** The algorithm of new keys; an RSA key has its KeySize. */
export type KeyType = 'rsa' | 'ecdsa-p256' | 'ecdsa-p384';

export type CaSource =
	| {mode: 'generate'; commonName: string; days: number; keySize: KeySize; keyType?: KeyType}
	| {mode: 'import'; certPath: string; keyPath: string; passphrase?: SecretRef}
	/**
	 * A PKI outside the wizard signs: the step makes the keys and requests and the run stops for the signature, until a
	 * resume names the directory of the signed certificates (`signedDir`, absolute).
	 */
	| {mode: 'csr'; signedDir?: string};

export type LeafRole = 'server' | 'client' | 'server-client';

export type LeafSpec = {
	/** Names the files: <dir>/<id>.crt and <dir>/<id>.key. */
	id: string;
	role: LeafRole;
	commonName: string;
	dnsNames: string[];
	ipAddresses: string[];
	days: number;
	keySize: KeySize;
	/** Absent means RSA. */
	keyType?: KeyType;
	/** Encrypted PKCS#8 with this passphrase; unencrypted PKCS#8 otherwise. */
	keyPassphrase?: SecretRef;
	/**
	 * A fleet agent's bundle directory: the files go there instead of the step's dir, with a copy of ca.crt beside
	 * them, committed agent by agent as they are issued.
	 */
	dir?: string;
};

export type KubeTarget = {
	namespace: string;
	/** kubectl/helm --context; KUBECONFIG comes from the environment as the tools read it. */
	context?: string;
};

export type LogSource =
	| {kind: 'docker-container'; container: string}
	| {kind: 'docker-service'; service: string}
	| ({kind: 'kubectl'; resource: string; container?: string} & KubeTarget);

export type LogPattern = {
	/** A JavaScript regular expression source, matched against each line with colour codes stripped. */
	pattern: string;
	/** Plain words: what seeing this line means. */
	description: string;
};

/**
 * transient: a line that can come and go while the workload starts (the server not listening yet); it does not
 * end the wait, and names the likely cause if the confirmation never comes.
 */
export type FailurePattern = {pattern: string; hint: string; transient?: boolean};

export type FileToWrite = {
	path: string;
	/** Text with SecretRefs resolved at run time; secret-bearing files are written 0600. */
	contents: string | {yaml: ValueTree} | {envFile: Record<string, MaybeSecret>};
	mode: number;
};

type StepBase = {
	/** Stable across runs: sessions record progress by id. */
	id: string;
	/** One line, shown in the step list. */
	title: string;
	/**
	 * Starts while the step before it still runs: it needs nothing that step, nor any step that step runs alongside,
	 * does (plan/overlapping-steps.ts decides). The engine still reports and records it after them, in plan order.
	 */
	alongsidePrevious?: true;
};

export type IssueCertificatesStep = StepBase & {
	kind: 'issue-certificates';
	/** A 0700 directory; keys 0600 inside it. */
	dir: string;
	ca: CaSource;
	leaves: LeafSpec[];
	/**
	 * Renewal: the CA must already be there and is kept; every leaf is issued again, with a new key unless
	 * reuseKeys (then the existing key is signed again and must exist).
	 */
	renew?: {reuseKeys: boolean};
	/**
	 * CA rotation: also write `path` (in dir), the certificates of `first` (the old CA's file) followed by this
	 * step's CA, so a peer that reads one trust file trusts both while the leaves move to the new CA.
	 */
	trustBundle?: {path: string; first: string};
};

export type VerifyHandshakeStep = StepBase & {
	kind: 'verify-handshake';
	dir: string;
	server: string;
	client: string;
	/** Where the client's files are when not in dir (a fleet agent's bundle). */
	clientDir?: string;
	/** The name the client checks against the server certificate. */
	serverName: string;
	/** The CA file both sides trust, when not dir/ca.crt (a CA rotation's bundle of the old CA and the new one). */
	caFile?: string;
};

export type WriteFilesStep = StepBase & {kind: 'write-files'; files: FileToWrite[]};

export type KubeSecretStep = StepBase &
	KubeTarget & {
		kind: 'kube-secret';
		name: string;
		type: 'generic' | 'tls';
		/** Secret data key → file on disk; values reach kubectl as files, never in argv. */
		files: Array<{key: string; path: string}>;
		/**
		 * For `generic` only: the Secret's type (`kubectl create secret generic --type`), e.g. kubernetes.io/tls
		 * for a TLS secret that also carries ca.crt, which `kubectl create secret tls` cannot make. Opaque when absent.
		 */
		secretType?: string;
		createNamespace: boolean;
	};

export type HelmReleaseStep = StepBase &
	KubeTarget & {
		kind: 'helm-release';
		release: string;
		/** A repo chart reference (repo/chart), an OCI or https URL, or a local chart directory or .tgz. */
		chart: string;
		repo?: {name: string; url: string};
		version?: string;
		/** The user's own values files, passed with -f before `valuesFile` so the wizard's mTLS values win. */
		extraValuesFiles?: string[];
		/** Dotted keys none of extraValuesFiles may set (the wizard's values cannot remove them), and why. */
		extraValuesMustNotSet?: Array<{key: string; reason: string}>;
		valuesFile: string;
		createNamespace: boolean;
		waitSeconds: number;
	};

/**
 * One edit to the first document of the given kind (and name, when set). `path` is a JSON pointer (RFC 6901,
 * numeric segments index arrays) into that document:
 * - merge-env: path names a container's `env` list; value is a list of {name, value}: same-name entries are
 *   replaced, others appended (the list is created when missing).
 * - add-volume / add-volume-mount: path names a `volumes` / `volumeMounts` list; value is one entry, replacing
 *   an entry of the same name or appended.
 * - set: the value at path is replaced (parents created as maps).
 * - merge-config-yaml: path names a string holding YAML (a ConfigMap data key); value (a map) is deep-merged
 *   into the parsed YAML, maps merged key by key, everything else replaced, and written back as YAML.
 */
export type ManifestPatch = {
	kind: string;
	name?: string;
	description: string;
	op: 'merge-env' | 'add-volume' | 'add-volume-mount' | 'set' | 'merge-config-yaml';
	path: string;
	value: ValueTree | ValueTree[] | string;
};

export type KubectlApplyStep = StepBase &
	KubeTarget & {
		kind: 'kubectl-apply';
		/** The manifest applied; for patch-based recipes, the patched copy written by the step. */
		manifest: string;
		/** When set, the step reads this user file, applies the patches and writes `manifest` first. */
		patchFrom?: {source: string; patches: ManifestPatch[]};
		rolloutResource?: string;
		waitSeconds: number;
	};

export type Mount = {source: string; target: string; readOnly: boolean};

/** docker run -p [hostIp:]published:target */
export type PortMapping = {published: number; target: number; hostIp?: string};

export type DockerRunStep = StepBase & {
	kind: 'docker-run';
	container: string;
	image: string;
	/** A Docker network name: bridge (the engine's default), host, none or a user-defined network. */
	network: string;
	/** --network-alias, on a user-defined network only. */
	networkAliases: string[];
	ports: PortMapping[];
	mounts: Mount[];
	env: Record<string, string>;
	/** Secret env vars go through a 0600 --env-file, never argv. */
	secretEnv: Record<string, SecretRef>;
	envFile?: string;
	user?: string;
	/**
	 * How apply.sh writes `user` when it names the invoking user's ids: a shell word asking `id` for the ids of
	 * whoever runs the bundle (it may be another user than the one who exported it), e.g. "$(id -u):$(id -g)".
	 */
	userInScript?: string;
	args: string[];
};

/** Created when missing (docker network inspect first), so re-runs leave an existing network alone. */
export type DockerNetworkStep = StepBase & {kind: 'docker-network'; name: string; driver: 'bridge' | 'overlay'; attachable: boolean};

export type DockerSecretStep = StepBase & {
	kind: 'docker-secret';
	name: string;
	file: string;
	/**
	 * The file is one of the plan's certificates: the secret carries its SHA-256 fingerprint as the label
	 * mtls-wizard.sha256, since a swarm never hands a secret's data back and status compares by that label.
	 */
	labelFingerprint?: boolean;
};

export type SwarmServiceStep = StepBase & {
	kind: 'swarm-service';
	service: string;
	image: string;
	/** An overlay network, normally: tasks.<service> DNS exists only there. */
	network: string;
	/** replicated: `replicas` tasks; global: one task per node (no replicas). */
	mode: {kind: 'replicated'; replicas: number} | {kind: 'global'};
	publish: Array<{published: number; target: number; mode: 'ingress' | 'host'}>;
	constraints: string[];
	secrets: Array<{source: string; target: string}>;
	/** Bind mounts (docker service create --mount type=bind); a source that is not an absolute path is a named volume. */
	mounts?: Mount[];
	env: Record<string, string>;
	secretEnv: Record<string, SecretRef>;
	args: string[];
};

/**
 * `kubectl rollout restart`, then `kubectl rollout status`: pods read a renewed secret only when they start again.
 * With a selector, every workload of these kinds carrying the label (a helm release's workloads) is restarted.
 */
export type KubeRestartStep = StepBase &
	KubeTarget & {
		kind: 'kube-restart';
		/** deployment/name, or kinds (deployment,statefulset,daemonset) with `selector`. */
		resource: string;
		selector?: string;
		waitSeconds: number;
	};

/**
 * Swarm secrets are immutable and cannot be removed while a service uses them: a renewed secret is created under a
 * new name and swapped in, `docker service update --secret-rm <the one mounted at target> --secret-add source=NEW,target`.
 */
export type SwarmSecretSwapStep = StepBase & {
	kind: 'swarm-secret-swap';
	service: string;
	swaps: Array<{source: string; target: string}>;
};

export type WaitForLogStep = StepBase & {
	kind: 'wait-for-log';
	source: LogSource;
	success: LogPattern[];
	failures: FailurePattern[];
	timeoutSeconds: number;
	/** Shown with the last log lines when the success line never came. */
	timeoutHints: string[];
	/**
	 * Only lines written from when the step starts count: a swarm service updated in place (a renewal, a CA rotation)
	 * keeps the tasks it replaced, whose lines would confirm what the new tasks never said.
	 */
	newLinesOnly?: boolean;
};

/**
 * Where a probe connects: a fixed host, or the address a container has on a Docker network, looked up when the
 * probe runs (a container on a user-defined network may publish no port).
 */
export type ProbeHost = {host: string; hostFrom?: never} | {hostFrom: {dockerContainer: string; network: string}; host?: never};

export type TlsProbeStep = StepBase &
	ProbeHost & {
	kind: 'tls-probe';
	port: number;
	serverName: string;
	caFile: string;
	clientCertFile: string;
	clientKeyFile: string;
	/** Decrypts clientKeyFile; resolved from the secret answers in memory, handed to Node's TLS only. */
	keyPassphrase?: SecretRef;
	/**
	 * false when the server trusts a client CA the wizard does not hold (SAP: the Cloud Connector's SAP-issued
	 * certificate): the probe then proves the server certificate and name only and presents no client certificate.
	 * Absent means true.
	 */
	presentClientCertificate?: boolean;
	/**
	 * true for a server that asks for a client certificate but lets a client without one in (Go's
	 * VerifyClientCertIfGiven, e.g. Portainer's 9443): the negative case is then a certificate from a throwaway CA,
	 * which must be refused, instead of no certificate. Absent means false.
	 */
	clientCertificateOptional?: boolean;
	/** A request path proving the application answered over mutual TLS (HTTP GET), or none for a bare handshake. */
	httpPath?: string;
	timeoutSeconds: number;
	failureHints: FailurePattern[];
};

export type ManualStep = StepBase & {
	kind: 'manual';
	/** Exact instructions for what a person must do elsewhere; shown in the summary. */
	instructions: string[];
};

export type Step =
	| IssueCertificatesStep
	| VerifyHandshakeStep
	| WriteFilesStep
	| KubeSecretStep
	| HelmReleaseStep
	| KubectlApplyStep
	| DockerRunStep
	| DockerSecretStep
	| DockerNetworkStep
	| SwarmServiceStep
	| KubeRestartStep
	| SwarmSecretSwapStep
	| WaitForLogStep
	| TlsProbeStep
	| ManualStep;

export type StepKind = Step['kind'];

/** What makes a plan a renewal of a deployment (plan/renew-plan.ts); saved in the session so resume rebuilds it. */
export type Renewal = {
	/** The session whose deployment this renews. */
	of: string;
	reuseKeys: boolean;
	/** Suffix of the renewed swarm secrets' names (<name>.<version>): they cannot be replaced in place. */
	version: string;
	/**
	 * The CA rotation stopped with both CAs trusted (rotate-ca --keep-old-ca) that the renewed deployment is in: the
	 * renewal leaves its trust points trusting both, and rotate-ca --drop-old-ca still finishes it.
	 */
	keptRotation?: Rotation;
};

/**
 * What makes a plan the rotation of a deployment to a new CA (plan/rotate-plan.ts); saved in the session so resume
 * rebuilds the same plan.
 */
export type Rotation = {
	/** The session whose deployment this rotates. */
	of: string;
	/** Its output directory, where the old CA and leaves stay untouched. */
	from: string;
	/** Names the new output directory (<from>/rotate-ca/<version>) and suffixes the swarm secrets of each phase. */
	version: string;
	/** Fleet agents left out of the new CA: lost devices, refused once the old CA is dropped. */
	excludeAgents: string[];
	/**
	 * all: the three phases at once. keep-old-ca: phases 1 and 2, so devices outside the wizard can take their new
	 * certificates while both CAs are trusted; drop-old-ca: phase 3 of such a rotation, run later.
	 */
	stage: 'all' | 'keep-old-ca' | 'drop-old-ca';
};

export type Plan = {
	recipe: string;
	/** SHA-256 of the recipe file: a session saved under another digest is stale. */
	recipeDigest: string;
	target: TargetId;
	/** Non-secret answers only. */
	answers: Record<string, string | number | boolean>;
	/** Ids of answers that are secret: asked again on resume, never saved. */
	secretAnswers: string[];
	outDir: string;
	steps: Step[];
	renewal?: Renewal;
	rotation?: Rotation;
	/**
	 * Files a bundle carries (a CA rotation's old CA and leaves, the keys a renewal signs again, your values files and
	 * local chart): the plan's steps name `to`, inside the bundle, and writing the bundle copies each `from` there (a
	 * directory with everything in it), so the bundle moves without the directories it was written from.
	 */
	carried?: CarriedFile[];
};

export type CarriedFile = {
	from: string;
	to: string;
	/** The copy's mode; the original's when absent. */
	mode?: number;
};
