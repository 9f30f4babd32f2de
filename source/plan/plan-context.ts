import path from 'node:path';
import {UsageError} from '../errors.js';
import {renderTemplate, templateVariables, TemplateError} from '../recipes/render-template.js';
import {questionsFor} from '../recipes/recipe-targets.js';
import type {Recipe, RecipeCondition, RecipeQuestion, TreeSpec} from '../recipes/recipe-schema.js';
import {agentsOf, type Agent} from '../recipes/agent-list.js';
import type {BuildPlanOptions, PlanAnswers} from './build-plan.js';
import type {SecretRef, TargetId, ValueTree} from './types.js';

/**
 * What apply.sh writes for each invoker variable: the bundle may run as another user than the one who exported
 * it, and then the ids of whoever runs it are the ones that own the files it deploys.
 */
const invokerInScript: Readonly<Record<string, string>> = {'invoker.uid': '$(id -u)', 'invoker.gid': '$(id -g)'};

/** Characters that keep their special meaning inside shell double quotes. */
function escapeForDoubleQuotes(text: string): string {
	return text.replaceAll(/["$`\\]/g, character => `\\${character}`);
}

/** What an optional secret that was not given renders to: its key, list item or map is left out. */
export const drop = Symbol('drop');
export type Dropped = typeof drop;

/**
 * Where one agent's files are: in a fleet its own bundle directory agents/<name>/ (certificate, key, ca.crt and
 * the bundle files); for the recipe's single agent the certificates directory, as before fleets existed.
 */
export type AgentPlacement = Agent & {suffix: string; dir: string; certFile: string; keyFile: string; caFile: string};

/** The id and rendered title every plan step made from a recipe step starts with. */
export type StepBase = {id: string; title: string};

/**
 * The answers of one plan and everything derived from them: the template variables, which secrets were given,
 * the recipe conditions they satisfy, and recipe templates rendered into step fields.
 */
export class PlanContext {
	readonly secretQuestions: RecipeQuestion[];
	readonly pkiDir: string;
	/** Where a fleet's bundles are: agents/<name>/ beside the certificates directory. */
	readonly agentsDir: string;
	/** caMode=csr, resumed: where the certificates signed outside the wizard are. */
	readonly signedDir: string | undefined;
	private readonly questions: RecipeQuestion[];
	private readonly variables: Record<string, string>;
	private readonly secretIds: Set<string>;
	private readonly kubeContext: string | undefined;
	/** Shared with every forAgent copy (they inherit it), so a plan computes its agents' placements once. */
	private readonly computed: {placements?: AgentPlacement[]} = {};

	constructor(
		readonly recipe: Recipe,
		readonly target: TargetId,
		readonly answers: PlanAnswers,
		options: BuildPlanOptions,
	) {
		this.questions = questionsFor(recipe, target);
		this.secretQuestions = this.questions.filter(q => q.secret);
		this.secretIds = new Set(options.secretAnswerIds ?? []);
		this.pkiDir = path.join(options.outDir, 'certs');
		this.agentsDir = path.join(options.outDir, 'agents');
		this.kubeContext = options.context;
		this.signedDir = options.signedDir;
		const certificates = recipe.targets[target]!.certificates ?? recipe.certificates;
		this.variables = {outDir: options.outDir, 'pki.dir': this.pkiDir, 'pki.ca.crt': path.join(this.pkiDir, 'ca.crt')};
		for (const leaf of certificates.leaves) {
			this.variables[`pki.${leaf.id}.crt`] = path.join(this.pkiDir, `${leaf.id}.crt`);
			this.variables[`pki.${leaf.id}.key`] = path.join(this.pkiDir, `${leaf.id}.key`);
		}

		for (const [id, value] of Object.entries(answers)) this.variables[`answers.${id}`] = String(value);
		if (options.invoker) {
			this.variables['invoker.uid'] = String(options.invoker.uid);
			this.variables['invoker.gid'] = String(options.invoker.gid);
		}
	}

	/**
	 * The template as one double-quoted shell word for apply.sh, with each invoker variable asking `id` when the
	 * script runs; undefined when the template uses none (the rendered text is then what the script uses).
	 */
	textInScript(template: string, where: string): string | undefined {
		const names = templateVariables(template);
		if (!names.some(name => name in invokerInScript)) return undefined;
		this.text(template, where);
		const literal = {...this.variables};
		for (const name of Object.keys(invokerInScript)) delete literal[name];
		const pieces = template.split(/({{\s*invoker\.(?:uid|gid)\s*}})/);
		const word = pieces
			.map(piece => {
				const name = /^{{\s*(invoker\.(?:uid|gid))\s*}}$/.exec(piece)?.[1];
				return name ? invokerInScript[name]! : escapeForDoubleQuotes(renderTemplate(piece, literal, where));
			})
			.join('');
		return `"${word}"`;
	}

	/** The fleet's agents, or the recipe's one agent when no `agents` answer was given; [] without an agent side. */
	agentPlacements(): AgentPlacement[] {
		this.computed.placements ??= this.placeAgents();
		return this.computed.placements;
	}

	private placeAgents(): AgentPlacement[] {
		const spec = this.recipe.agents;
		if (!spec) return [];
		const fleet = agentsOf(this.answers['agents']);
		if (fleet.length === 0) {
			const leaf = (this.recipe.targets[this.target]!.certificates ?? this.recipe.certificates).leaves.find(l => l.id === spec.leaf)!;
			const name = this.text(leaf.commonName, `certificates.leaves.${leaf.id}.commonName`);
			return [{name, dnsNames: [], ipAddresses: [], suffix: '', dir: this.pkiDir, certFile: this.variables[`pki.${leaf.id}.crt`]!, keyFile: this.variables[`pki.${leaf.id}.key`]!, caFile: this.variables['pki.ca.crt']!}];
		}

		// agentsDir is normalized and an agent name is a DNS label (agent-list.ts), so plain joins give what
		// path.join would, without its per-character normalizing of four paths for each of thousands of agents.
		const {sep} = path;
		return fleet.map(agent => {
			const dir = `${this.agentsDir}${sep}${agent.name}`;
			return {...agent, suffix: `-${agent.name}`, dir, certFile: `${dir}${sep}${spec.leaf}.crt`, keyFile: `${dir}${sep}${spec.leaf}.key`, caFile: `${dir}${sep}ca.crt`};
		});
	}

	/** The same answers with one agent's names: {{agent.*}}, and the agent leaf's {{pki.<leaf>.*}} naming its files. */
	forAgent(agent: AgentPlacement): PlanContext {
		const leaf = this.recipe.agents!.leaf;
		const copy = Object.create(this) as PlanContext;
		Object.defineProperty(copy, 'variables', {
			value: {
				...this.variables,
				'agent.name': agent.name,
				'agent.suffix': agent.suffix,
				'agent.dir': agent.dir,
				'agent.ca.crt': agent.caFile,
				[`pki.${leaf}.crt`]: agent.certFile,
				[`pki.${leaf}.key`]: agent.keyFile,
			},
		});
		return copy;
	}

	/** The fleet agent these answers are planned for (forAgent), for titles that must tell its steps apart; undefined outside a fleet. */
	fleetAgent(): string | undefined {
		return this.variables['agent.suffix'] ? this.variables['agent.name'] : undefined;
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

	kube(namespace: string, where: string): {namespace: string; context?: string} {
		return {namespace: this.text(namespace, `${where}.namespace`), ...(this.kubeContext ? {context: this.kubeContext} : {})};
	}

	textList(templates: string[], where: string): string[] {
		return templates.map((template, index) => this.text(template, `${where}[${index}]`));
	}

	textMap(map: Record<string, string>, where: string): Record<string, string> {
		return Object.fromEntries(Object.entries(map).map(([key, value]) => [key, this.text(value, `${where}.${key}`)]));
	}

	secretMap(map: Record<string, {$secret: string}>): Record<string, SecretRef> {
		const out: Record<string, SecretRef> = {};
		for (const [key, marker] of Object.entries(map)) {
			const ref = this.secret(marker.$secret);
			if (ref !== drop) out[key] = ref;
		}

		return out;
	}

	/** A required secret is always referenced (the engine insists on it); an optional one only when it was given. */
	secret(id: string): SecretRef | Dropped {
		const question = this.secretQuestions.find(q => q.id === id);
		return question?.required || this.secretIds.has(id) ? {secret: id} : drop;
	}

	tree(spec: Record<string, TreeSpec>, where: string): ValueTree {
		const rendered = this.treeValue(spec, where);
		return rendered === drop ? {} : (rendered as ValueTree);
	}

	treeValue(spec: TreeSpec, where: string): ValueTree[string] | Dropped {
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

	numberAnswer(id: string, fallback: number): number {
		const value = this.answers[id];
		return value === undefined ? fallback : Number(value);
	}

	number(value: number | string, where: string): number {
		if (typeof value === 'number') return value;
		const text = this.text(value, where);
		if (!/^\d+$/.test(text)) throw new UsageError(`${where}: ${JSON.stringify(text)} is not a whole number. Check the answers it is made from.`);
		return Number(text);
	}

	text(template: string, where: string): string {
		try {
			return renderTemplate(template, this.variables, where);
		} catch (error) {
			if (!(error instanceof TemplateError)) throw error;
			const id = error.variable.startsWith('answers.') ? error.variable.slice('answers.'.length) : undefined;
			const question = this.questions.find(q => q.id === id);
			if (question) {
				throw new UsageError(`--set ${question.id}: required for ${this.recipe.id} --target ${this.target} (${question.prompt}).`);
			}

			if (error.variable.startsWith('invoker.')) {
				throw new UsageError(`${where}: needs {{${error.variable}}}, the ids of the user running the wizard, which this platform does not report. Run the wizard on Linux or macOS.`);
			}

			throw new Error(`recipe ${this.recipe.id}: ${error.message}`);
		}
	}
}
