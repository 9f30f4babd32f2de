/**
 * Checks one answer against its question and returns it typed (and tidied: a URL loses its trailing slash).
 * Errors name the field as the caller's user knows it (`--set namespace` headless, the question's prompt in the
 * wizard) and say what is expected; secret values are never echoed.
 */
import {badInput as badInputLine, UsageError} from '../errors.js';
import {validateCommonName, validateDnsName, validateIpAddress} from '../pki/validate-names.js';
import {checkUniqueAgents, expandAgentPattern, parseAgentEntry} from './agent-list.js';
import type {RecipeQuestion} from './recipe-schema.js';

export type AnswerValue = string | number | boolean;
export type RawAnswer = string | number | boolean | Array<string | number>;

/** Every message ends as a sentence. */
function badInput(field: string, value: string, problem: string, fix: string): UsageError {
	return badInputLine(field, value, problem, /[.!?]$/.test(fix) ? fix : `${fix}.`);
}

const k8sLabel = /^[a-z\d](?:[-a-z\d]*[a-z\d])?$/;
const k8sSubdomain = /^[a-z\d](?:[-a-z\d]*[a-z\d])?(?:\.[a-z\d](?:[-a-z\d]*[a-z\d])?)*$/;
const imageReference = /^[a-z\d][\w.\-/:@]*$/i;

/** What an error's fix points at beyond the answer itself; each caller names things as its user gives them. */
export type AnswerAdvice = {
	/** Where an IP address typed into a DNS-name answer goes instead, e.g. `Pass it with --set serverIps=10.0.0.5 instead`. */
	ipAddressGoes?: (ip: string) => string;
};

/**
 * The advice for a target's questions: an IP address typed as a DNS name belongs to its IP-address question, named
 * as `--set id=IP` headless or, given `asked` (the wizard's name for a question), as the question.
 */
export function answerAdvice(questions: readonly RecipeQuestion[], asked?: (question: RecipeQuestion) => string): AnswerAdvice {
	const ipQuestion = questions.find(q => q.format === 'ip-address');
	if (!ipQuestion) return {};
	return {ipAddressGoes: ip => (asked ? `Give it at the question "${asked(ipQuestion)}" instead` : `Pass it with --set ${ipQuestion.id}=${ip} instead`)};
}

export function validateAnswer(question: RecipeQuestion, raw: RawAnswer, field: string, advice: AnswerAdvice = {}): AnswerValue {
	if (question.secret) return validateSecret(question, raw, field);
	switch (question.type) {
		case 'integer':
			return validateInteger(question, raw, field);
		case 'boolean':
			return validateBoolean(raw, field);
		case 'list': {
			const items = (Array.isArray(raw) ? raw.map(String) : String(raw).split(',')).map(item => item.trim()).filter(item => item !== '');
			if (question.format === 'agent') {
				const agents = items.flatMap(item => expandAgentPattern(item, field)).map(item => parseAgentEntry(item, field));
				checkUniqueAgents(agents, () => field);
				return agents.map(agent => [agent.name, ...agent.dnsNames, ...agent.ipAddresses].join(' ')).join(',');
			}

			return items.map(item => validateText(question, item, field, advice)).join(',');
		}

		case 'choice':
		case 'string': {
			if (Array.isArray(raw)) throw badInput(field, raw.join(','), 'is a list', 'Give a single value');
			return validateText(question, String(raw), field, advice);
		}
	}
}

function validateSecret(question: RecipeQuestion, raw: RawAnswer, field: string): string {
	if (typeof raw !== 'string' || raw === '') {
		throw new UsageError(`${field}: the secret answer is empty or not text. ${question.prompt}: give it as a string.`);
	}

	if (question.pattern && !new RegExp(question.pattern.regex).test(raw)) {
		throw new UsageError(`${field}: the secret answer (not shown) is not ${question.pattern.expected}.`);
	}

	return raw;
}

function validateInteger(question: RecipeQuestion, raw: RawAnswer, field: string): number {
	const text = String(raw).trim();
	const range = question.choices ? `one of ${question.choices.join(', ')}` : `a whole number${rangeText(question)}`;
	if (!/^-?\d+$/.test(text)) throw badInput(field, text, 'is not a whole number', `Use ${range}, e.g. ${String(question.default ?? question.min ?? 1)}`);
	const value = Number(text);
	if (question.choices && !question.choices.map(Number).includes(value)) throw badInput(field, text, 'is not allowed', `Use ${range}`);
	if ((question.min !== undefined && value < question.min) || (question.max !== undefined && value > question.max)) {
		throw badInput(field, text, `is out of range (${boundsText(question)})`, `Use ${range}`);
	}

	return value;
}

/** 1–65535, at least 1, at most 3600. */
function boundsText(question: RecipeQuestion): string {
	if (question.min !== undefined && question.max !== undefined) return `${question.min}–${question.max}`;
	return question.min === undefined ? `at most ${question.max}` : `at least ${question.min}`;
}

function rangeText(question: RecipeQuestion): string {
	if (question.min !== undefined && question.max !== undefined) return ` from ${question.min} to ${question.max}`;
	if (question.min !== undefined) return ` of at least ${question.min}`;
	return question.max === undefined ? '' : ` of at most ${question.max}`;
}

function validateBoolean(raw: RawAnswer, field: string): boolean {
	if (typeof raw === 'boolean') return raw;
	const text = String(raw).trim().toLowerCase();
	if (['true', 'yes', '1'].includes(text)) return true;
	if (['false', 'no', '0'].includes(text)) return false;
	throw badInput(field, String(raw), 'is not a yes/no answer', 'Use true or false');
}

function validateText(question: RecipeQuestion, value: string, field: string, advice: AnswerAdvice): string {
	if (question.type === 'choice' && !question.choices!.map(String).includes(value)) {
		throw badInput(field, value, 'is not one of the choices', `Use one of: ${question.choices!.join(', ')}`);
	}

	const example = typeof question.default === 'string' && question.default !== '' ? question.default : undefined;
	switch (question.format) {
		// A format and a pattern both apply: the pattern narrows what the format allows (e.g. a DNS name that is not localhost).
		case 'dns-name':
			return checkPattern(question, validateDnsName(value, field, advice.ipAddressGoes?.(value.trim()) ?? 'This answer takes DNS names only: give the name clients use to reach that address'), field, example);
		case 'ip-address':
			return checkPattern(question, validateIpAddress(value, field), field, example);
		case 'common-name':
			return validateCommonName(value, field);
		case 'k8s-namespace':
			if (value.length > 63 || !k8sLabel.test(value)) {
				throw badInput(field, value, 'is not a valid Kubernetes namespace', `Use lowercase letters, digits and '-', e.g. ${example ?? 'my-namespace'}`);
			}

			break;
		case 'k8s-name':
			if (value.length > 253 || !k8sSubdomain.test(value)) {
				throw badInput(field, value, 'is not a valid Kubernetes object name', `Use lowercase letters, digits, '-' and '.', e.g. ${example ?? 'my-secret'}`);
			}

			break;
		case 'https-url':
			// Recipes append paths to a URL answer (`{{answers.endpoint}}/ti-service/`): a trailing slash would double.
			return checkPattern(question, checkHttpsUrl(value, field, example).replace(/\/+$/, ''), field, example);
		case 'image':
			if (!imageReference.test(value)) throw badInput(field, value, 'is not an image reference', `Use repository[:tag], e.g. ${example ?? 'registry.example.com/app:1.0'}`);
			break;
		case 'path':
			if (value.trim() === '' || value.startsWith('-') || value.includes('\0')) {
				throw badInput(field, value, 'is not a usable file path', 'Give a path such as ./file.pem or /abs/file.pem');
			}

			break;
		// A path on the Docker host (a socket, a directory), which may be another machine behind DOCKER_HOST:
		// the daemon mounts it, so it must be absolute, and the wizard cannot check it exists.
		case 'agent':
			return parseAgentEntry(value, field).name;
		case 'host-path':
			if (!value.startsWith('/') || value.includes('\0') || value.includes(',')) {
				throw badInput(field, value, 'is not an absolute path on the Docker host', 'Give an absolute path such as /var/run/docker.sock');
			}

			break;
		case undefined:
			if (value.trim() === '') throw badInput(field, value, 'is empty', question.prompt);
	}

	return checkPattern(question, value, field, example);
}

function checkPattern(question: RecipeQuestion, value: string, field: string, example: string | undefined): string {
	if (question.pattern && !new RegExp(question.pattern.regex).test(value)) {
		throw badInput(field, value, `is not ${question.pattern.expected}`, example ? `For example: ${example}` : question.prompt);
	}

	return value;
}

function checkHttpsUrl(value: string, field: string, example: string | undefined): string {
	let url: URL | undefined;
	try {
		url = new URL(value);
	} catch {
		url = undefined;
	}

	if (url?.protocol !== 'https:' || url.username !== '' || url.password !== '') {
		throw badInput(field, value, 'is not an https URL', `Use https://host[:port], e.g. ${example ?? 'https://example.com'}`);
	}

	return value.trim();
}
