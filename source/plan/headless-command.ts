/**
 * The headless command that builds the same plan as a wizard session: `mtls-wizard run RECIPE --target T --set
 * key=value ...`, secret answers named by the variables `run` reads them from (never their values). Pure: Review,
 * the summary, apply.sh and README.txt all show what this module builds.
 */
import {quoteWord} from '../exec/shell-quote.js';
import {secretEnvName} from '../recipes/collect-answers.js';
import type {Recipe, RecipeQuestion} from '../recipes/recipe-schema.js';
import {questionsFor} from '../recipes/recipe-targets.js';
import {validateAnswer} from '../recipes/validate-answer.js';
import type {Plan} from './types.js';

/** One question's answer in a plan, as `--set` writes it; secrets only say whether they were given. */
export type AnswerSetting = {
	question: RecipeQuestion;
	/** The answer as `--set` takes it (lists comma-separated, booleans true/false); absent when not given or secret. */
	value?: string;
	/** The recipe's default applies: `run` gets the same answer without a `--set`. */
	isDefault: boolean;
	/** For a secret question: its answer was given (and reaches `run` through `variable`). */
	given: boolean;
	variable?: string;
};

export type HeadlessCommand = {
	/** The arguments after `mtls-wizard`, unquoted. */
	args: string[];
	/** Variables to export before running it, one per secret answer given. */
	secretVariables: Array<{name: string; answer: string}>;
};

export type HeadlessOptions = {
	/** --out, left out when it is the directory `run` uses by default where the command is run. */
	out?: string;
	defaultOut?: string;
	context?: string | readonly string[];
	/** --export DIR: the command that writes this bundle. */
	export?: string;
};

function asSet(value: string | number | boolean): string {
	return String(value);
}

/** What `run` makes of a question's default, typed as an answer is: a plan answer equal to it needs no --set. */
function defaultOf(question: RecipeQuestion): string | undefined {
	if (question.default === undefined) return undefined;
	return asSet(validateAnswer(question, question.default, question.id));
}

/** Every question of the plan's recipe and target, in the order they are asked, with the answer the plan was built from. */
export function answerSettings(recipe: Recipe, plan: Plan): AnswerSetting[] {
	return questionsFor(recipe, plan.target).map(question => {
		if (question.secret) {
			const given = plan.secretAnswers.includes(question.id);
			return {question, isDefault: false, given, ...(given ? {variable: secretEnvName(question.id)} : {})};
		}

		const answer = plan.answers[question.id];
		const value = answer === undefined ? undefined : asSet(answer);
		return {question, ...(value === undefined ? {} : {value}), isDefault: value === defaultOf(question), given: value !== undefined};
	});
}

/**
 * The `run` command for the plan. Answers equal to the recipe's default are left out: `run` applies the same
 * defaults, so the plan is the same (test/plan/headless-command.test.ts runs it with --dry-run to prove it).
 */
export function headlessCommand(recipe: Recipe, plan: Plan, options: HeadlessOptions = {}): HeadlessCommand {
	// A renewal or a rotation takes its answers, output directory and context from the session it derives from.
	const derived = plan.renewal
		? ['renew', plan.renewal.of, ...(plan.renewal.reuseKeys ? ['--reuse-keys'] : [])]
		: plan.rotation
			? ['rotate-ca', plan.rotation.of, ...(plan.rotation.stage === 'drop-old-ca' ? ['--drop-old-ca'] : [...plan.rotation.excludeAgents.flatMap(name => ['--exclude-agent', name]), ...(plan.rotation.stage === 'keep-old-ca' ? ['--keep-old-ca'] : [])])]
			: undefined;
	if (derived) {
		const secretVariables = answerSettings(recipe, plan).flatMap(setting => (setting.variable ? [{name: setting.variable, answer: setting.question.id}] : []));
		return {args: [...derived, ...(options.export === undefined ? [] : ['--export', options.export])], secretVariables};
	}

	const args = ['run', plan.recipe, '--target', plan.target];
	const secretVariables: HeadlessCommand['secretVariables'] = [];
	for (const setting of answerSettings(recipe, plan)) {
		if (setting.variable) secretVariables.push({name: setting.variable, answer: setting.question.id});
		// A default the plan did without (an empty list) is kept out by `--set key=`, which `run` reads as no answer.
		else if (!setting.isDefault && !setting.question.secret) args.push('--set', `${setting.question.id}=${setting.value ?? ''}`);
	}

	if (options.out !== undefined && options.out !== options.defaultOut) args.push('--out', options.out);
	for (const context of [options.context ?? []].flat()) args.push('--context', context);
	if (options.export !== undefined) args.push('--export', options.export);
	return {args, secretVariables};
}

/** The command as one POSIX shell line, every word quoted where it needs it. */
export function commandLine(command: HeadlessCommand): string {
	return ['mtls-wizard', ...command.args].map(word => quoteWord(word)).join(' ');
}

/** What to do before running it, in words; undefined when no secret answer is needed. */
export function secretsNote(command: HeadlessCommand): string | undefined {
	if (command.secretVariables.length === 0) return undefined;
	const names = command.secretVariables.map(({name, answer}) => `${name} (the secret answer ${answer})`).join(', ');
	return `Export ${names} first: secret answers are never put on a command line.`;
}
