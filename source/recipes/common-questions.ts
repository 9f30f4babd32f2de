import type {RecipeQuestion} from './recipe-schema.js';

/**
 * Certificate questions every recipe shares, added after the recipe's own: they decide how the PKI is made,
 * which is the same for every product (DESIGN.md "Certificates").
 */
const commonQuestions: RecipeQuestion[] = [
	{
		id: 'keySize',
		prompt: 'RSA key size for the certificates',
		type: 'integer',
		choices: [2048, 3072, 4096],
		default: 2048,
		required: true,
		secret: false,
	},
	{
		id: 'keyType',
		prompt: 'Key type of the new keys (and of a generated CA)',
		type: 'choice',
		choices: ['rsa', 'ecdsa-p256', 'ecdsa-p384'],
		default: 'rsa',
		required: true,
		secret: false,
	},
	{
		id: 'days',
		prompt: 'Validity of the server and client certificates, in days',
		type: 'integer',
		min: 1,
		max: 3650,
		default: 825,
		required: true,
		secret: false,
	},
	{
		id: 'caDays',
		prompt: 'Validity of a generated CA, in days',
		type: 'integer',
		min: 1,
		max: 36_500,
		default: 3650,
		required: true,
		secret: false,
	},
	{
		id: 'caMode',
		prompt: 'Who signs the certificates?',
		help: 'Left unset: your own CA when caCert is given, else a new CA. csr: the run makes the keys and requests and stops until you resume it with the certificates your PKI signed.',
		type: 'choice',
		choices: ['generate', 'own-ca', 'csr'],
		choiceLabels: {
			generate: 'The wizard makes a new CA',
			'own-ca': 'My own CA signs (its certificate and key)',
			csr: 'My PKI signs the certificates (keys and requests made here)',
		},
		required: false,
		secret: false,
	},
	{
		id: 'caCert',
		prompt: 'Your own CA certificate (PEM) to sign with, instead of generating a CA',
		type: 'string',
		format: 'path',
		content: 'pem-certificates',
		required: false,
		secret: false,
	},
	{
		id: 'caKey',
		prompt: 'The private key of your own CA (PEM), with caCert',
		type: 'string',
		format: 'path',
		content: 'pem-private-key',
		required: false,
		secret: false,
	},
	{
		id: 'caKeyPassphrase',
		prompt: 'Passphrase of your CA key, if it is encrypted',
		type: 'string',
		required: false,
		secret: true,
	},
];

/** Asked by every recipe with an agent side (an `agents` section). */
const agentsQuestion: RecipeQuestion = {
	id: 'agents',
	prompt: 'How many agents, and their names: a pattern like edge-{1..20} for 20, or names separated by commas, each optionally followed by extra SANs (every agent gets its own client certificate and bundle agents/<name>/); empty for one agent',
	type: 'list',
	format: 'agent',
	required: false,
	secret: false,
};

/** A recipe narrows a common question (e.g. keyType to what its product accepts) by asking it itself. */
export function questionsOf(recipe: {questions: RecipeQuestion[]; agents?: {targets?: RecipeQuestion['targets']} | undefined}): RecipeQuestion[] {
	const own = new Set(recipe.questions.map(q => q.id));
	const agents = recipe.agents?.targets ? {...agentsQuestion, targets: recipe.agents.targets} : agentsQuestion;
	const common = recipe.agents === undefined ? commonQuestions : [agents, ...commonQuestions];
	return [...recipe.questions, ...common.filter(q => !own.has(q.id))];
}
