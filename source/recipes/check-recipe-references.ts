/**
 * What the schema alone cannot see: that every {{variable}}, {$secret: id} and `when` in a recipe refers to
 * something that exists for that target. Checked at load, so a typo in a recipe fails on every run and in
 * tests, not only on the branch a user happens to take.
 */
import {formatFieldPath} from './format-field-path.js';
import {questionsOf} from './common-questions.js';
import {templateVariables} from './render-template.js';
import type {RecipeCertificates, RecipeFile, RecipeQuestion} from './recipe-schema.js';

type Path = Array<string | number>;

/** Returns the first problem as `<field path>: <message>`, or undefined. */
export function checkRecipeReferences(recipe: RecipeFile): string | undefined {
	const questions = questionsOf(recipe);
	const targets = Object.keys(recipe.targets);
	for (const [index, q] of recipe.questions.entries()) {
		const stray = q.targets?.find(t => !targets.includes(t));
		if (stray) return `questions[${index}].targets: ${stray} is not a target of this recipe (${targets.join(', ')})`;
	}

	for (const [name, target] of Object.entries(recipe.targets)) {
		const asked = questions.filter(q => !q.targets || q.targets.includes(name as never));
		const certificates = target.certificates ?? recipe.certificates;
		const known = variablesFor(asked, certificates);
		const certificatesPath: Path = target.certificates ? ['targets', name, 'certificates'] : ['certificates'];
		// An agent's own names exist only where the planner renders once per agent.
		const perAgent = new Set([...known, ...agentVariables]);
		const steps = (group: 'steps' | 'confirm') =>
			target[group].map((step, index) => check(step, ['targets', name, group, index], step.forEachAgent ? perAgent : known, asked)).find(Boolean);
		const problem =
			checkKeyPassphrases(certificates, certificatesPath, asked) ??
			check(certificates, certificatesPath, known, asked) ??
			steps('steps') ??
			steps('confirm') ??
			(recipe.agents ? check(recipe.agents.bundle, ['agents', 'bundle'], perAgent, asked) : undefined);
		if (problem) return `${problem} (target ${name})`;
	}

	return undefined;
}

/** What a step planned once per agent (and an agent's bundle file) may use besides the target's names. */
export const agentVariables = ['agent.name', 'agent.suffix', 'agent.dir', 'agent.ca.crt'] as const;

/** Names a template may use for one target (answers are filled in by the planner; secrets are never variables). */
function variablesFor(questions: RecipeQuestion[], certificates: RecipeCertificates): Set<string> {
	// invoker.*: the ids of the user running the wizard, given to every plan by the command layer.
	const names = new Set(['outDir', 'pki.dir', 'pki.ca.crt', 'invoker.uid', 'invoker.gid']);
	for (const q of questions) if (!q.secret) names.add(`answers.${q.id}`);
	for (const leaf of certificates.leaves) {
		names.add(`pki.${leaf.id}.crt`);
		names.add(`pki.${leaf.id}.key`);
	}

	return names;
}

function check(value: unknown, path: Path, known: Set<string>, questions: RecipeQuestion[]): string | undefined {
	if (typeof value === 'string') {
		const unknown = templateVariables(value).find(name => !known.has(name));
		if (unknown === undefined) return undefined;
		const secret = questions.find(q => `answers.${q.id}` === unknown && q.secret);
		return `${formatFieldPath(path)}: unknown variable {{${unknown}}}${secret ? ' (a secret answer: use {$secret: ' + secret.id + '})' : ''}`;
	}

	if (Array.isArray(value)) {
		for (const [index, item] of value.entries()) {
			const problem = check(item, [...path, index], known, questions);
			if (problem) return problem;
		}

		return undefined;
	}

	if (value && typeof value === 'object') {
		const record = value as Record<string, unknown>;
		if (typeof record['$secret'] === 'string') {
			const id = record['$secret'];
			return questions.some(q => q.id === id && q.secret) ? undefined : `${formatFieldPath([...path, '$secret'])}: ${id} is not a secret question of this target`;
		}

		for (const [key, item] of Object.entries(record)) {
			if (key === 'when') {
				const problem = checkCondition(item, [...path, key], questions);
				if (problem) return problem;
				continue;
			}

			// A key of a values tree or env map may itself be a template only through its value; keys stay literal.
			const problem = check(item, [...path, key], known, questions);
			if (problem) return problem;
		}
	}

	return undefined;
}

/** A passphrase that encrypts a new key cannot be read back once mistyped, so the wizard must ask it twice. */
function checkKeyPassphrases(certificates: RecipeCertificates, path: Path, questions: RecipeQuestion[]): string | undefined {
	for (const [index, leaf] of certificates.leaves.entries()) {
		const id = leaf.keyPassphrase?.$secret;
		const question = questions.find(q => q.id === id);
		if (question?.secret && !question.confirm) {
			return `${formatFieldPath([...path, 'leaves', index, 'keyPassphrase'])}: ${id} encrypts a new key, so its question needs confirm: true (the wizard asks it twice)`;
		}
	}

	return undefined;
}

function checkCondition(value: unknown, path: Path, questions: RecipeQuestion[]): string | undefined {
	const list = Array.isArray(value) ? value : [value];
	for (const [index, condition] of list.entries()) {
		const id = (condition as {answer: string}).answer;
		if (!questions.some(q => q.id === id)) {
			return `${formatFieldPath(Array.isArray(value) ? [...path, index, 'answer'] : [...path, 'answer'])}: ${id} is not a question of this target`;
		}
	}

	return undefined;
}
