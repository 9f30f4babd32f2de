/**
 * (recipe, target, answers) → Plan. Pure: no I/O, no clock, no randomness, so the same inputs always give the
 * same plan and the same step ids (sessions record progress by id). Every plan issues the certificates and
 * proves them with a local mutual-TLS handshake before any product step touches a cluster or an engine.
 */
import path from 'node:path';
import {UsageError} from '../errors.js';
import {validateDnsName, validateIpAddress} from '../pki/validate-names.js';
import {renderTemplate, TemplateError} from '../recipes/render-template.js';
import {checkTarget, questionsFor} from '../recipes/recipe-targets.js';
import type {
	Recipe,
	RecipeCertificates,
	RecipeCondition,
	RecipeConfirmStep,
	RecipeProductStep,
	RecipeQuestion,
	TreeSpec,
} from '../recipes/recipe-schema.js';
import type {
	CaSource,
	FileToWrite,
	KeySize,
	LogSource,
	ManifestPatch,
	MaybeSecret,
	Plan,
	SecretRef,
	Step,
	TargetId,
	ValueTree,
} from './types.js';

export type PlanAnswers = Readonly<Record<string, string | number | boolean>>;

export type BuildPlanOptions = {
	/** Where certificates (<outDir>/certs) and generated files go. */
	outDir: string;
	/** Secret answers that were given (values stay with the caller); optional secrets not listed are left out. */
	secretAnswerIds?: readonly string[];
	/** kubectl/helm --context for every Kubernetes step. */
	context?: string;
};

const drop = Symbol('drop');
type Dropped = typeof drop;

export function buildPlan(recipe: Recipe, target: TargetId, answers: PlanAnswers, options: BuildPlanOptions): Plan {
	const targetId = checkTarget(recipe, target);
	const spec = recipe.targets[targetId]!;
	const planner = new Planner(recipe, targetId, answers, options);
	const certificates = spec.certificates ?? recipe.certificates;
	const steps: Step[] = [...planner.certificateSteps(certificates)];
	for (const [index, step] of spec.steps.entries()) {
		if (planner.holds(step.when)) steps.push(...planner.productStep(step, `targets.${targetId}.steps[${index}]`));
	}

	for (const [index, step] of spec.confirm.entries()) {
		if (planner.holds(step.when)) steps.push(planner.confirmStep(step, `targets.${targetId}.confirm[${index}]`));
	}

	const seen = new Set<string>();
	for (const step of steps) {
		if (seen.has(step.id)) throw new Error(`recipe ${recipe.id}, target ${targetId}: two steps have the id ${step.id}`);
		seen.add(step.id);
	}

	return {
		recipe: recipe.id,
		recipeDigest: recipe.digest,
		target: targetId,
		answers: {...answers},
		secretAnswers: planner.secretQuestions.filter(q => q.required || planner.hasSecret(q.id)).map(q => q.id),
		outDir: options.outDir,
		steps,
	};
}

class Planner {
	readonly secretQuestions: RecipeQuestion[];
	private readonly questions: RecipeQuestion[];
	private readonly variables: Record<string, string>;
	private readonly secretIds: Set<string>;
	private readonly pkiDir: string;
	private readonly context: string | undefined;

	constructor(
		private readonly recipe: Recipe,
		private readonly target: TargetId,
		private readonly answers: PlanAnswers,
		options: BuildPlanOptions,
	) {
		this.questions = questionsFor(recipe, target);
		this.secretQuestions = this.questions.filter(q => q.secret);
		this.secretIds = new Set(options.secretAnswerIds ?? []);
		this.pkiDir = path.join(options.outDir, 'certs');
		this.context = options.context;
		const certificates = recipe.targets[target]!.certificates ?? recipe.certificates;
		this.variables = {outDir: options.outDir, 'pki.dir': this.pkiDir, 'pki.ca.crt': path.join(this.pkiDir, 'ca.crt')};
		for (const leaf of certificates.leaves) {
			this.variables[`pki.${leaf.id}.crt`] = path.join(this.pkiDir, `${leaf.id}.crt`);
			this.variables[`pki.${leaf.id}.key`] = path.join(this.pkiDir, `${leaf.id}.key`);
		}

		for (const [id, value] of Object.entries(answers)) this.variables[`answers.${id}`] = String(value);
	}

	hasSecret(id: string): boolean {
		return this.secretIds.has(id);
	}

	holds(when: RecipeCondition | undefined): boolean {
		if (!when) return true;
		return (Array.isArray(when) ? when : [when]).every(condition => {
			const question = this.questions.find(q => q.id === condition.answer);
			const value = question?.secret ? (this.secretIds.has(condition.answer) ? '(given)' : undefined) : this.answers[condition.answer];
			const present = value !== undefined && value !== '';
			if (condition.present !== undefined && condition.present !== present) return false;
			if (condition.equals !== undefined && String(value) !== String(condition.equals)) return false;
			return condition.notEquals === undefined || String(value) !== String(condition.notEquals);
		});
	}

	certificateSteps(certificates: RecipeCertificates): Step[] {
		const at = this.recipe.targets[this.target]!.certificates === undefined ? 'certificates' : `targets.${this.target}.certificates`;
		const keySize = this.numberAnswer('keySize', 2048) as KeySize;
		const days = this.numberAnswer('days', 825);
		const caCert = this.answers['caCert'];
		const caKey = this.answers['caKey'];
		const ca: CaSource =
			caCert !== undefined && caKey !== undefined
				? {mode: 'import', certPath: String(caCert), keyPath: String(caKey), ...(this.secretIds.has('caKeyPassphrase') ? {passphrase: {secret: 'caKeyPassphrase'}} : {})}
				: {mode: 'generate', commonName: this.text(certificates.ca.commonName, `${at}.ca.commonName`), days: this.numberAnswer('caDays', 3650), keySize};
		const leaves = certificates.leaves.map((leaf, index) => {
			const where = `${at}.leaves[${index}]`;
			const dnsNames = this.nameList(leaf.dnsNames, `${where}.dnsNames`).map(name => validateDnsName(name, `${leaf.id} certificate DNS name`));
			const ipAddresses = this.nameList(leaf.ipAddresses, `${where}.ipAddresses`).map(ip => validateIpAddress(ip, `${leaf.id} certificate IP address`));
			const passphrase = leaf.keyPassphrase ? this.secret(leaf.keyPassphrase.$secret) : drop;
			return {
				id: leaf.id,
				role: leaf.role,
				commonName: this.text(leaf.commonName, `${where}.commonName`),
				dnsNames: [...new Set(dnsNames)],
				ipAddresses: [...new Set(ipAddresses)],
				days,
				keySize,
				...(passphrase === drop ? {} : {keyPassphrase: passphrase}),
			};
		});
		return [
			{id: 'certificates', kind: 'issue-certificates', title: `${ca.mode === 'import' ? 'Sign with your CA the' : 'Issue the CA and'} ${leaves.map(l => l.id).join(', ')} certificates`, dir: this.pkiDir, ca, leaves},
			{
				id: 'verify-handshake',
				kind: 'verify-handshake',
				title: `Prove ${certificates.handshake.client} → ${certificates.handshake.server} with a local mutual-TLS handshake`,
				dir: this.pkiDir,
				server: certificates.handshake.server,
				client: certificates.handshake.client,
				serverName: this.text(certificates.handshake.serverName, `${at}.handshake.serverName`),
			},
		];
	}

	productStep(step: RecipeProductStep, where: string): Step[] {
		const base = {id: step.id, title: this.text(step.title, `${where}.title`)};
		switch (step.kind) {
			case 'kube-secret': {
				const secret: Step = {
					...base,
					...this.kube(step.namespace, where),
					kind: 'kube-secret',
					name: this.text(step.name, `${where}.name`),
					type: step.type,
					files: step.files
						.filter(file => this.holds(file.when))
						.map((file, index) => ({key: this.text(file.key, `${where}.files[${index}].key`), path: this.text(file.path, `${where}.files[${index}].path`)})),
					...(step.secretType ? {secretType: this.text(step.secretType, `${where}.secretType`)} : {}),
					createNamespace: step.createNamespace,
				};
				this.checkTlsSecret(secret, where);
				return [secret];
			}
			case 'helm-release':
				return this.helmRelease(step, base, where);
			case 'kubectl-apply':
				return [
					{
						...base,
						...this.kube(step.namespace, where),
						kind: 'kubectl-apply',
						manifest: this.text(step.manifest, `${where}.manifest`),
						...(step.patchFrom
							? {
									patchFrom: {
										source: this.text(step.patchFrom.source, `${where}.patchFrom.source`),
										patches: step.patchFrom.patches.map((patch, index) => this.patch(patch, `${where}.patchFrom.patches[${index}]`)),
									},
								}
							: {}),
						...(step.rolloutResource ? {rolloutResource: this.text(step.rolloutResource, `${where}.rolloutResource`)} : {}),
						waitSeconds: this.number(step.waitSeconds, `${where}.waitSeconds`),
					},
				];
			case 'docker-run':
				return [
					{
						...base,
						kind: 'docker-run',
						container: this.text(step.container, `${where}.container`),
						image: this.text(step.image, `${where}.image`),
						network: step.network,
						mounts: step.mounts.map((mount, index) => this.mount(mount, `${where}.mounts[${index}]`)),
						env: this.textMap(step.env, `${where}.env`),
						secretEnv: this.secretMap(step.secretEnv),
						...(step.envFile ? {envFile: this.text(step.envFile, `${where}.envFile`)} : {}),
						...(step.user ? {user: this.text(step.user, `${where}.user`)} : {}),
						args: this.textList(step.args, `${where}.args`),
					},
				];
			case 'docker-secret':
				return [{...base, kind: 'docker-secret', name: this.text(step.name, `${where}.name`), file: this.text(step.file, `${where}.file`)}];
			case 'swarm-service':
				return [
					{
						...base,
						kind: 'swarm-service',
						service: this.text(step.service, `${where}.service`),
						image: this.text(step.image, `${where}.image`),
						network: step.network,
						secrets: step.secrets.map((s, index) => ({source: this.text(s.source, `${where}.secrets[${index}].source`), target: this.text(s.target, `${where}.secrets[${index}].target`)})),
						...(step.mounts ? {mounts: step.mounts.map((mount, index) => this.mount(mount, `${where}.mounts[${index}]`))} : {}),
						env: this.textMap(step.env, `${where}.env`),
						secretEnv: this.secretMap(step.secretEnv),
						args: this.textList(step.args, `${where}.args`),
						replicas: this.number(step.replicas, `${where}.replicas`),
					},
				];
			case 'write-files':
				return [{...base, kind: 'write-files', files: step.files.map((file, index) => this.file(file, `${where}.files[${index}]`))}];
			case 'manual':
				return [{...base, kind: 'manual', instructions: this.textList(step.instructions, `${where}.instructions`)}];
		}
	}

	confirmStep(step: RecipeConfirmStep, where: string): Step {
		const base = {id: step.id, title: this.text(step.title, `${where}.title`)};
		switch (step.kind) {
			case 'wait-for-log': {
				const check = this.recipe.checks[step.check]!;
				return {
					...base,
					kind: 'wait-for-log',
					source: this.logSource(step.source, `${where}.source`),
					success: check.success.map(p => ({...p})),
					failures: check.failures.map(p => ({...p})),
					timeoutSeconds: check.timeoutSeconds,
					timeoutHints: [...check.timeoutHints],
				};
			}

			case 'tls-probe':
				return {
					...base,
					kind: 'tls-probe',
					host: this.text(step.host, `${where}.host`),
					port: this.number(step.port, `${where}.port`),
					serverName: this.text(step.serverName, `${where}.serverName`),
					caFile: this.text(step.caFile, `${where}.caFile`),
					clientCertFile: this.text(step.clientCertFile, `${where}.clientCertFile`),
					clientKeyFile: this.text(step.clientKeyFile, `${where}.clientKeyFile`),
					...(step.presentClientCertificate === undefined ? {} : {presentClientCertificate: step.presentClientCertificate}),
					...(step.clientCertificateOptional === undefined ? {} : {clientCertificateOptional: step.clientCertificateOptional}),
					...(step.httpPath ? {httpPath: this.text(step.httpPath, `${where}.httpPath`)} : {}),
					timeoutSeconds: this.number(step.timeoutSeconds, `${where}.timeoutSeconds`),
					// Patterns are regular expressions: never templated.
					failureHints: step.failureHints.map(p => ({...p})),
				};
			case 'manual':
				return {...base, kind: 'manual', instructions: this.textList(step.instructions, `${where}.instructions`)};
		}
	}

	/**
	 * Kubernetes refuses a kubernetes.io/tls secret without tls.crt and tls.key, so a CA-only bundle of that type
	 * would fail half-way through a run: refuse it here, before anything is issued or applied.
	 */
	private checkTlsSecret(secret: Extract<Step, {kind: 'kube-secret'}>, where: string): void {
		const tlsType = secret.type === 'tls' || secret.secretType === 'kubernetes.io/tls';
		const keys = secret.files.map(file => file.key);
		const missing = ['tls.crt', 'tls.key'].filter(key => !keys.includes(key));
		if (!tlsType || missing.length === 0) return;
		throw new Error(
			`recipe ${this.recipe.id}, ${where}: secret ${secret.name} is of type kubernetes.io/tls but has no ${missing.join(' or ')} (keys: ${keys.join(', ') || 'none'}). ` +
				'A kubernetes.io/tls secret must carry tls.crt and tls.key; a CA-only secret must be Opaque (type: generic without secretType).',
		);
	}

	private helmRelease(step: Extract<RecipeProductStep, {kind: 'helm-release'}>, base: {id: string; title: string}, where: string): Step[] {
		let values = this.tree(step.values, `${where}.values`);
		for (const [index, overlay] of (step.valuesWhen ?? []).entries()) {
			if (this.holds(overlay.when)) values = deepMerge(values, this.tree(overlay.values, `${where}.valuesWhen[${index}].values`));
		}

		const valuesFile = this.text(step.valuesFile, `${where}.valuesFile`);
		const chart = this.text(step.chart, `${where}.chart`);
		const local = chart.startsWith('.') || chart.startsWith('/') || chart.endsWith('.tgz');
		const repo = step.repo ? {name: this.text(step.repo.name, `${where}.repo.name`), url: this.text(step.repo.url, `${where}.repo.url`)} : undefined;
		const version = step.version === undefined || local ? '' : this.text(step.version, `${where}.version`);
		const extraValuesFiles = (step.extraValuesFiles ?? []).flatMap((file, index) =>
			this.hasAllAnswers(file) ? [this.text(file, `${where}.extraValuesFiles[${index}]`)] : [],
		);
		return [
			{
				id: `${step.id}-values`,
				kind: 'write-files',
				title: `Write the helm values for ${base.id.replace(/^helm-/, '')}`,
				files: [{path: valuesFile, contents: {yaml: values}, mode: 0o600}],
			},
			{
				...base,
				...this.kube(step.namespace, where),
				kind: 'helm-release',
				release: this.text(step.release, `${where}.release`),
				chart,
				...(repo && chart.startsWith(`${repo.name}/`) ? {repo} : {}),
				...(version === '' ? {} : {version}),
				...(extraValuesFiles.length > 0 ? {extraValuesFiles} : {}),
				valuesFile,
				createNamespace: step.createNamespace,
				waitSeconds: this.number(step.waitSeconds, `${where}.waitSeconds`),
			},
		];
	}

	/** extraValuesFiles name optional answers: a file the user did not give is simply not passed. */
	private hasAllAnswers(template: string): boolean {
		return [...template.matchAll(/{{\s*answers\.([^{}\s]+)\s*}}/g)].every(match => this.answers[match[1] ?? ''] !== undefined);
	}

	private kube(namespace: string, where: string): {namespace: string; context?: string} {
		return {namespace: this.text(namespace, `${where}.namespace`), ...(this.context ? {context: this.context} : {})};
	}

	private logSource(source: Extract<RecipeConfirmStep, {kind: 'wait-for-log'}>['source'], where: string): LogSource {
		switch (source.kind) {
			case 'docker-container':
				return {kind: 'docker-container', container: this.text(source.container, `${where}.container`)};
			case 'docker-service':
				return {kind: 'docker-service', service: this.text(source.service, `${where}.service`)};
			case 'kubectl':
				return {
					kind: 'kubectl',
					resource: this.text(source.resource, `${where}.resource`),
					...(source.container ? {container: this.text(source.container, `${where}.container`)} : {}),
					...this.kube(source.namespace, where),
				};
		}
	}

	private patch(patch: ManifestPatchSpec, where: string): ManifestPatch {
		const value = this.treeValue(patch.value, `${where}.value`);
		if (value === drop || value === null || typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'object' && 'secret' in value && Object.keys(value).length === 1)) {
			throw new Error(`recipe ${this.recipe.id}: ${where}.value must be a map, a list or a string`);
		}

		return {
			kind: patch.kind,
			...(patch.name ? {name: this.text(patch.name, `${where}.name`)} : {}),
			description: this.text(patch.description, `${where}.description`),
			op: patch.op,
			path: this.text(patch.path, `${where}.path`),
			value: value as ManifestPatch['value'],
		};
	}

	private mount(mount: {source: string; target: string; readOnly: boolean}, where: string) {
		return {source: this.text(mount.source, `${where}.source`), target: this.text(mount.target, `${where}.target`), readOnly: mount.readOnly};
	}

	private file(file: Extract<RecipeProductStep, {kind: 'write-files'}>['files'][number], where: string): FileToWrite {
		const contents = file.contents;
		if (typeof contents === 'string') return {path: this.text(file.path, `${where}.path`), contents: this.text(contents, `${where}.contents`), mode: file.mode};
		if ('yaml' in contents) return {path: this.text(file.path, `${where}.path`), contents: {yaml: this.tree(contents.yaml, `${where}.contents.yaml`)}, mode: file.mode};
		const envFile: Record<string, MaybeSecret> = {};
		for (const [key, value] of Object.entries(contents.envFile)) {
			const rendered = typeof value === 'string' ? this.text(value, `${where}.contents.envFile.${key}`) : this.secret(value.$secret);
			if (rendered !== drop) envFile[key] = rendered;
		}

		return {path: this.text(file.path, `${where}.path`), contents: {envFile}, mode: file.mode};
	}

	private textList(templates: string[], where: string): string[] {
		return templates.map((template, index) => this.text(template, `${where}[${index}]`));
	}

	private textMap(map: Record<string, string>, where: string): Record<string, string> {
		return Object.fromEntries(Object.entries(map).map(([key, value]) => [key, this.text(value, `${where}.${key}`)]));
	}

	private secretMap(map: Record<string, {$secret: string}>): Record<string, SecretRef> {
		const out: Record<string, SecretRef> = {};
		for (const [key, marker] of Object.entries(map)) {
			const ref = this.secret(marker.$secret);
			if (ref !== drop) out[key] = ref;
		}

		return out;
	}

	/** A required secret is always referenced (the engine insists on it); an optional one only when it was given. */
	private secret(id: string): SecretRef | Dropped {
		const question = this.secretQuestions.find(q => q.id === id);
		return question?.required || this.secretIds.has(id) ? {secret: id} : drop;
	}

	private tree(spec: Record<string, TreeSpec>, where: string): ValueTree {
		const rendered = this.treeValue(spec, where);
		return rendered === drop ? {} : (rendered as ValueTree);
	}

	private treeValue(spec: TreeSpec, where: string): ValueTree[string] | Dropped {
		if (typeof spec === 'string') return this.text(spec, where);
		if (spec === null || typeof spec !== 'object') return spec;
		if (Array.isArray(spec)) {
			return spec.map((item, index) => this.treeValue(item, `${where}[${index}]`)).filter((item): item is ValueTree => item !== drop);
		}

		if (typeof spec['$secret'] === 'string' && Object.keys(spec).length === 1) return this.secret(spec['$secret']);
		const entries = Object.entries(spec as Record<string, TreeSpec>);
		const out: ValueTree = {};
		for (const [key, value] of entries) {
			const rendered = this.treeValue(value, `${where}.${key}`);
			if (rendered !== drop) out[key] = rendered;
		}

		// A map emptied only because optional secrets were left out goes too (no `password: {}` in values).
		return entries.length > 0 && Object.keys(out).length === 0 ? drop : out;
	}

	private nameList(templates: string[], where: string): string[] {
		return templates.flatMap((template, index) =>
			this.text(template, `${where}[${index}]`)
				.split(',')
				.map(name => name.trim())
				.filter(name => name !== ''),
		);
	}

	private numberAnswer(id: string, fallback: number): number {
		const value = this.answers[id];
		return value === undefined ? fallback : Number(value);
	}

	private number(value: number | string, where: string): number {
		if (typeof value === 'number') return value;
		const text = this.text(value, where);
		if (!/^\d+$/.test(text)) throw new UsageError(`${where}: ${JSON.stringify(text)} is not a whole number. Check the answers it is made from.`);
		return Number(text);
	}

	private text(template: string, where: string): string {
		try {
			return renderTemplate(template, this.variables, where);
		} catch (error) {
			if (!(error instanceof TemplateError)) throw error;
			const id = error.variable.startsWith('answers.') ? error.variable.slice('answers.'.length) : undefined;
			const question = this.questions.find(q => q.id === id);
			if (question) {
				throw new UsageError(`--set ${question.id}: required for ${this.recipe.id} --target ${this.target} (${question.prompt}).`);
			}

			throw new Error(`recipe ${this.recipe.id}: ${error.message}`);
		}
	}
}

type ManifestPatchSpec = {kind: string; name?: string; description: string; op: ManifestPatch['op']; path: string; value: TreeSpec};

/** Maps merge key by key; anything else (lists included) is replaced by the overlay. */
function deepMerge(base: ValueTree, overlay: ValueTree): ValueTree {
	const out: ValueTree = {...base};
	for (const [key, value] of Object.entries(overlay)) {
		const current = out[key];
		out[key] = isMap(current) && isMap(value) ? deepMerge(current, value) : value;
	}

	return out;
}

function isMap(value: unknown): value is ValueTree {
	return typeof value === 'object' && value !== null && !Array.isArray(value) && !('secret' in value && Object.keys(value).length === 1);
}
