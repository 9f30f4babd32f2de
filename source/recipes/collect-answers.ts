/**
 * Headless answers: recipe defaults, then the answers file (YAML or JSON), then `--set key=value`; secret
 * answers come only from the answers file or MTLS_WIZARD_ANSWER_<ID> (never argv, which other users can read)
 * and are returned apart from the others so they never reach a plan or a session file.
 */
import {readFile} from 'node:fs/promises';
import {UsageError} from '../errors.js';
import type {Recipe, RecipeQuestion} from './recipe-schema.js';
import {checkTarget, questionsFor} from './recipe-targets.js';
import {answerAdvice, validateAnswer, type AnswerValue, type RawAnswer} from './validate-answer.js';

export type CollectedAnswers = {
	answers: Record<string, AnswerValue>;
	secrets: Record<string, string>;
	/** Where each given answer came from, as errors name it: `--set key`, `--answers FILE: key`, a variable. */
	sources: Record<string, string>;
};

export type AnswerInput = {
	/** Resume: the answers saved in the session, over the defaults and under the answers file and --set; `from` names them in errors. */
	saved?: {from: string; answers: Record<string, AnswerValue>};
	answersFile?: string;
	sets: string[];
	env?: Readonly<Record<string, string | undefined>>;
	/**
	 * How errors name an answer given in `sets` or `env` when that is not what the user typed: the wizard passes
	 * the question's prompt, since its user answered a question and never wrote `--set key`.
	 */
	questionField?: (question: RecipeQuestion) => string;
};

/** MTLS_WIZARD_ANSWER_ plus the id in upper snake case: agentKeyPassphrase → MTLS_WIZARD_ANSWER_AGENT_KEY_PASSPHRASE. */
export function secretEnvName(id: string): string {
	return `MTLS_WIZARD_ANSWER_${id.replace(/([a-z\d])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

export async function collectAnswers(recipe: Recipe, target: string, input: AnswerInput): Promise<CollectedAnswers> {
	const targetId = checkTarget(recipe, target);
	const questions = questionsFor(recipe, targetId);
	const byId = new Map(questions.map(q => [q.id, q]));
	const validKeys = () => `Valid keys for ${recipe.id} --target ${targetId}: ${questions.map(q => q.id).join(', ')}.`;
	const asked = input.questionField;
	const advice = answerAdvice(questions, asked);

	const raw = new Map<string, RawAnswer>();
	// Where each answer came from, so an error names what the user wrote: the file and key, the --set, the variable.
	const source = new Map<string, string>();
	for (const q of questions) if (q.default !== undefined) raw.set(q.id, q.default);
	for (const [key, value] of Object.entries(input.saved?.answers ?? {})) {
		if (!byId.has(key)) continue;
		raw.set(key, value);
		source.set(key, `${input.saved!.from}: ${key}`);
	}

	if (input.answersFile) {
		for (const [key, value] of Object.entries(await readAnswersFile(input.answersFile))) {
			if (!byId.has(key)) throw new UsageError(`--answers ${input.answersFile}: unknown key ${JSON.stringify(key)}. ${validKeys()}`);
			if (value === null || value === undefined || value === '') {
				raw.delete(key);
			} else {
				raw.set(key, value);
				source.set(key, `--answers ${input.answersFile}: ${key}`);
			}
		}
	}

	for (const assignment of input.sets) {
		const equals = assignment.indexOf('=');
		if (equals <= 0) throw new UsageError(`--set ${assignment}: expected key=value, e.g. --set namespace=steadybit-agent.`);
		const key = assignment.slice(0, equals);
		const value = assignment.slice(equals + 1);
		const question = byId.get(key);
		if (!question) throw new UsageError(`--set ${key}: unknown key. ${validKeys()}`);
		if (question.secret) {
			throw new UsageError(`--set ${key}: is a secret and must not be on the command line. Put it in the --answers file or set ${secretEnvName(key)}.`);
		}

		if (value === '' && question.type !== 'list') {
			raw.delete(key);
		} else {
			raw.set(key, value);
			source.set(key, asked?.(question) ?? `--set ${key}`);
		}
	}

	for (const q of questions) {
		const fromEnv = q.secret ? input.env?.[secretEnvName(q.id)] : undefined;
		if (fromEnv !== undefined && fromEnv !== '') {
			raw.set(q.id, fromEnv);
			source.set(q.id, asked?.(q) ?? secretEnvName(q.id));
		}
	}

	const answers: Record<string, AnswerValue> = {};
	const secrets: Record<string, string> = {};
	for (const q of questions) {
		const value = raw.get(q.id);
		if (value === undefined) {
			if (q.required) throw missing(q);
			continue;
		}

		const field = `${source.get(q.id) ?? asked?.(q) ?? (q.secret ? q.id : `--set ${q.id}`)}${q.secret ? ' (secret)' : ''}`;
		const checked = validateAnswer(q, value, field, advice);
		if (q.secret) secrets[q.id] = String(checked);
		else answers[q.id] = checked;
	}

	if ((answers['caCert'] === undefined) !== (answers['caKey'] === undefined)) {
		const [absent, given] = answers['caCert'] === undefined ? ['caCert', 'caKey'] : ['caKey', 'caCert'];
		const absentQuestion = byId.get(absent);
		if (asked && absentQuestion) {
			throw new UsageError(`${source.get(given) ?? given}: your own CA needs both its certificate and its key. Answer the question "${asked(absentQuestion)}" too.`);
		}

		throw new UsageError(`${source.get(given) ?? `--set ${given}`}: needs ${absent} too (your own CA needs both its certificate and its key). Add ${absent} where you gave ${given}.`);
	}

	return {answers, secrets, sources: Object.fromEntries(source)};
}

function missing(q: RecipeQuestion): UsageError {
	if (q.secret) {
		return new UsageError(`${q.id} (secret): required: ${q.prompt}. Set ${secretEnvName(q.id)} or put ${q.id} in the --answers file.`);
	}

	return new UsageError(`--set ${q.id}: required: ${q.prompt}. Pass --set ${q.id}=VALUE or put it in the --answers file.`);
}

async function readAnswersFile(file: string): Promise<Record<string, RawAnswer | null>> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
		throw new UsageError(`--answers: cannot read ${JSON.stringify(file)} (${code}). Give a YAML or JSON file of key: value answers.`);
	}

	// yaml loads only for an answers file: most runs have none.
	const {parse} = await import('./yaml-text.js');
	let data: unknown;
	try {
		data = parse(text);
	} catch (error) {
		throw new UsageError(`--answers ${file}: not valid YAML or JSON (${(error as Error).message.split('\n')[0]}).`);
	}

	if (data === null || data === undefined) return {};
	if (typeof data !== 'object' || Array.isArray(data)) throw new UsageError(`--answers ${file}: expected a mapping of key: value answers.`);
	for (const [key, value] of Object.entries(data)) {
		const scalar = ['string', 'number', 'boolean'].includes(typeof value) || value === null;
		const list = Array.isArray(value) && value.every(item => typeof item === 'string' || typeof item === 'number');
		if (!scalar && !list) throw new UsageError(`--answers ${file}: ${key}: expected a single value or a list of values.`);
	}

	return data as Record<string, RawAnswer | null>;
}
