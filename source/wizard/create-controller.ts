/**
 * The wizard's only link to the rest of the program: it loads recipes, validates answers, builds and prints
 * the plan, runs it through the headless runner's engine wiring and reads the summary back. Screens call it and
 * render what it returns; they never run a command or touch a file themselves.
 *
 * Every module is imported inside the method that needs it: the first frame is drawn before yaml, zod, execa
 * or node-forge are loaded, and the loading happens while the user reads it.
 */
import path from 'node:path';
import type {EngineEvent} from '../engine-events.js';
import {invokerIds} from '../environment/invoker.js';
import {isToDoByHand, manualSteps} from '../plan/manual-steps.js';
import type {Plan, TargetId} from '../plan/types.js';
import type {Recipe, RecipeQuestion} from '../recipes/recipe-schema.js';
import {isPastStep, signedDirOf} from '../session/step-states.js';
import {contextsOf, type KubeContexts} from '../session/kube-contexts.js';
import type {Session} from '../session/types.js';
import type {ReadCertificate} from '../steps/first-expiry.js';
import {faultQuestion} from './fault-question.js';
import type {
	AnswerFault,
	AnswerView,
	DeploymentView,
	ExpiryView,
	HeadlessView,
	QuestionView,
	RecipeChoice,
	ResumableSession,
	ReviewView,
	RunStart,
	SummaryView,
	WizardController,
} from './types.js';

export type ControllerOptions = {
	env: NodeJS.ProcessEnv;
	cwd: string;
	/** How the deployments list reads a certificate file when it must: tests count the reads. */
	readCertificate?: ReadCertificate;
};

const targetLabels: Record<TargetId, string> = {
	helm: 'Helm chart',
	kubectl: 'kubectl manifest / secrets',
	docker: 'Docker container',
	swarm: 'Docker Swarm service',
	bundle: 'Export a bundle',
};

/** Errors in the wizard name the question as it was asked: its user never typed `--set key`. */
const asked = (question: RecipeQuestion) => question.prompt;

/** Asking for the key and its passphrase only makes sense once the user named their own CA certificate. */
const ownCaFollowUps = new Set(['caKey', 'caKeyPassphrase']);

/** Whether a question applies given the answers so far: the own CA's files only when the user's CA signs. */
function applies(id: string, answers: Record<string, string>): boolean {
	if (id === 'caCert') return answers['caMode'] === 'own-ca';
	return !ownCaFollowUps.has(id) || (answers['caCert'] ?? '') !== '';
}

/** Whether a question may still be asked: it applies, or an answer not given yet (absent, not empty) decides. */
function mayApply(id: string, answers: Record<string, string>): boolean {
	if (id === 'caCert') return answers['caMode'] === undefined || applies(id, answers);
	if (ownCaFollowUps.has(id) && answers['caCert'] === undefined) return mayApply('caCert', answers);
	return applies(id, answers);
}

function questionView(question: RecipeQuestion): QuestionView {
	const optional = !question.required && question.default === undefined;
	const help = [question.help, optional ? 'Optional: Enter skips it.' : undefined].filter(Boolean).join(' ');
	const yesNo = (value: unknown) => (value === true || value === 'true' ? 'yes' : 'no');
	return {
		id: question.id,
		prompt: question.prompt,
		...(help ? {help} : {}),
		...(question.default === undefined ? {} : {defaultValue: question.type === 'boolean' ? yesNo(question.default) : String(question.default)}),
		secret: question.secret,
		...(question.confirm ? {confirm: true} : {}),
		...(question.type === 'boolean' ? {choices: ['yes', 'no']} : question.choices ? {choices: question.choices.map(String)} : {}),
		...(question.choiceLabels ? {choiceLabels: question.choiceLabels} : {}),
	};
}

/** Resuming a session that waits for a PKI (caMode=csr): the one answer resume needs that no recipe asks. */
const signedDirId = 'signedDir';

function signedDirQuestion(session: Session): QuestionView {
	return {
		id: signedDirId,
		prompt: 'Directory of the certificates your PKI signed',
		help: 'One .crt per request (server.crt, client.crt, … as REQUEST.txt names them) and ca.crt with the issuing CA and its parents up to the root.',
		// Where the run that made the requests said to put them.
		defaultValue: signedDirOf(session),
		secret: false,
	};
}

/** The contexts as the headless command gives them: --context once per context. */
const contextFlags = (kube: KubeContexts): string | readonly string[] | undefined => kube.contexts ?? kube.context;

/** With the kube context(s) it was built with, for the headless command the summary shows and the session it makes. */
type Run = {plan: Plan; secrets: Record<string, string>; sessionId?: string; done?: Promise<number>; running?: boolean} & KubeContexts;

/** A fixed mask: its length says nothing about the secret's. */
const secretMask = '••••••••';

export function createController({env, cwd, readCertificate}: ControllerOptions): WizardController {
	const recipes = new Map<string, Recipe>();
	// sources: where each answer came from, so an export's error about a directory an answer names names its question.
	let reviewed: ({plan: Plan; secrets: Record<string, string>; sources: Record<string, string>; planFor(outDir: string): Plan; sessionId?: string} & KubeContexts) | undefined;
	/** Set by changeAnswers: the session the next review continues, with its output directory and kube context(s). */
	let revising: ({sessionId: string; recipe: string; target: TargetId; outDir: string} & KubeContexts) | undefined;
	let lastFailure: string | undefined;
	let run: Run | undefined;
	/** Sessions found awaiting the certificates a PKI signs: resuming one asks for their directory. */
	const awaitingSignature = new Set<string>();
	/** Finished sessions listed as deployments: their secret answers are needed again, never saved. */
	const deployments = new Set<string>();

	const recipe = async (id: string): Promise<Recipe> => {
		const known = recipes.get(id);
		if (known) return known;
		const {loadRecipe} = await import('../recipes/load-recipes.js');
		const loaded = await loadRecipe(id);
		recipes.set(id, loaded);
		return loaded;
	};

	const questionsOf = async (recipeId: string, target: TargetId) => {
		const {questionsFor} = await import('../recipes/recipe-targets.js');
		return questionsFor(await recipe(recipeId), target);
	};

	/** Answers typed in the wizard go through the same defaults, checks and secret split as `run --set` and the answers file. */
	const collect = async (recipeId: string, target: TargetId, answers: Record<string, string>, secrets: Record<string, string>) => {
		const [{collectAnswers, secretEnvName}, questions] = await Promise.all([import('../recipes/collect-answers.js'), questionsOf(recipeId, target)]);
		const secretIds = new Set(questions.filter(q => q.secret).map(q => q.id));
		const sets = Object.entries(answers)
			.filter(([id, value]) => !secretIds.has(id) && value !== '')
			.map(([id, value]) => `${id}=${value}`);
		const given = {...secrets, ...Object.fromEntries(Object.entries(answers).filter(([id, value]) => secretIds.has(id) && value !== ''))};
		const secretEnv = Object.fromEntries(Object.entries(given).map(([id, value]) => [secretEnvName(id), value]));
		return collectAnswers(await recipe(recipeId), target, {sets, env: secretEnv, questionField: asked});
	};

	/**
	 * The `run` command for a plan of this wizard: its default output directory is the one `run` uses here. A secret
	 * typed into a non-secret answer is redacted, as in every printed plan, though the command no longer reproduces it.
	 */
	const headlessView = async (plan: Plan, secrets: Record<string, string>, kube: KubeContexts): Promise<HeadlessView> => {
		const [{commandLine, headlessCommand, secretsNote}, {redactAnswers}] = await Promise.all([import('../plan/headless-command.js'), import('../exec/redact.js')]);
		const context = contextFlags(kube);
		const command = headlessCommand(await recipe(plan.recipe), plan, {out: plan.outDir, defaultOut: path.resolve(cwd, `mtls-${plan.recipe}`), ...(context ? {context} : {})});
		const note = secretsNote(command);
		return {command: redactAnswers(commandLine(command), secrets), ...(note ? {note} : {})};
	};

	const startExecution = async (current: Run, onEvent: (event: EngineEvent) => void): Promise<void> => {
		const {executePlan} = await import('../run-headless.js');
		run = current;
		current.running = true;
		current.done = executePlan(
			current.plan,
			current.secrets,
			{json: false, env, ...(current.sessionId ? {sessionId: current.sessionId} : {}), ...contextsOf(current)},
			{
				render(event) {
					if (event.type === 'run-started') current.sessionId = event.sessionId;
					if (event.type === 'step-failed') lastFailure = `${event.message} ${event.hint ?? ''}`;
					onEvent(event);
				},
			},
		);
		current.done.then(
			() => {
				current.running = false;
			},
			(error: unknown) => {
				current.running = false;
				onEvent({
				type: 'run-finished',
				sessionId: current.sessionId ?? '',
				exitCode: (error as {exitCode?: number}).exitCode ?? 1,
					manualSteps: [],
				});
			},
		);
	};

	/** The plan a saved session resumes with, as `mtls-wizard resume` rebuilds it; with the signed certificates' directory for caMode=csr. */
	const sessionPlan = async (session: Session, secrets: Record<string, string>, signedDir: string | undefined) => {
		const {sessionPlanFor} = await import('../session/session-plan.js');
		const answers = Object.fromEntries(Object.entries(session.answers).map(([id, value]) => [id, String(value)]));
		const collected = await collect(session.recipe, session.target, answers, secrets);
		// A saved renewal or rotation resumes as one, as `mtls-wizard resume` rebuilds it.
		const plan = sessionPlanFor(await recipe(session.recipe), session, collected.answers, {
			renewal: session.renewal,
			rotation: session.rotation,
			...(signedDir ? {signedDir: path.resolve(cwd, signedDir)} : {}),
		});
		return {plan, collected};
	};

	/**
	 * The first of a deployment's certificates to expire: the one its session recorded when it finished, confirmed by a
	 * stat of its files (a fleet's certificates are not read one by one at every start), or read from them when changed.
	 */
	const firstExpiry = async (session: Session): Promise<ExpiryView | {problem: string}> => {
		const [{sessionAnswers, sessionPlanFor}, {certificateFiles, confirmedFirstExpiry}, {wholeDaysUntil}] = await Promise.all([
			import('../session/session-plan.js'),
			import('../steps/first-expiry.js'),
			import('../pki/days.js'),
		]);
		const loaded = await recipe(session.recipe);
		const plan = sessionPlanFor(loaded, session, (await sessionAnswers(loaded, session)).answers, {renewal: session.renewal, rotation: session.rotation});
		const first = await confirmedFirstExpiry(session.firstExpiry, certificateFiles(plan), readCertificate);
		if (!first) return {problem: `no certificate of it can be read in ${plan.outDir}`};
		const notAfter = new Date(first.notAfter);
		return {file: path.basename(first.file), notAfter, daysLeft: wholeDaysUntil(notAfter)};
	};

	/** The signed certificates are judged before the run starts, so a wrong one is explained under the question. */
	const checkSignedDir = async (sessionId: string, dir: string, secrets: Record<string, string>): Promise<string | undefined> => {
		if (dir === '') return `${signedDirId}: name the directory that holds the signed certificates`;
		const [{loadSession}, {takeSignedCertificates}] = await Promise.all([import('../session/session-store.js'), import('../steps/signed-elsewhere.js')]);
		try {
			const {plan} = await sessionPlan(await loadSession(env, sessionId), secrets, dir);
			const step = plan.steps.find(candidate => candidate.kind === 'issue-certificates');
			if (step?.kind !== 'issue-certificates' || step.ca.mode !== 'csr' || !step.ca.signedDir) return `session ${sessionId} does not wait for signed certificates`;
			await takeSignedCertificates(step, step.ca.signedDir, secrets, sessionId);
			return undefined;
		} catch (error) {
			return (error as Error).message;
		}
	};

	const resolved = (value: string) => path.resolve(cwd, value);

	/**
	 * The file an answer names is read at its question, and your own CA is judged as its parts come in: the
	 * certificate at caCert, the key with it at caKey (an encrypted one waits for its passphrase), all three at caKeyPassphrase.
	 */
	const checkFileAnswer = async (question: RecipeQuestion, value: string, answers: Record<string, string>, questions: RecipeQuestion[]) => {
		const {checkAnswerFile, checkOwnCa, checkOwnCaCertificate} = await import('../recipes/check-answer-files.js');
		const name = (id: string) => {
			const found = questions.find(q => q.id === id);
			return found ? asked(found) : id;
		};

		const sources = {cert: name('caCert'), key: name('caKey'), passphrase: `the answer to "${name('caKeyPassphrase')}"`, replace: 'go back and leave caCert empty to have a new CA issued'};
		if (question.format === 'path' && value !== '') await checkAnswerFile(question, resolved(value), asked(question));
		if (question.id === 'caCert' && value !== '') await checkOwnCaCertificate(resolved(value), sources);
		const caCert = answers['caCert'] ?? '';
		if (question.id === 'caKey' && caCert !== '') await checkOwnCa({certPath: resolved(caCert), keyPath: resolved(value)}, sources, true);
		const caKey = answers['caKey'] ?? '';
		if (question.id === 'caKeyPassphrase' && caCert !== '' && caKey !== '') {
			await checkOwnCa({certPath: resolved(caCert), keyPath: resolved(caKey), ...(value === '' ? {} : {passphrase: value})}, sources);
		}
	};

	/** What Review shows of a plan: answers (secrets masked), names, files, commands, steps and the headless command. */
	const reviewOf = async (loaded: Recipe, plan: Plan, secrets: Record<string, string>, kube: KubeContexts): Promise<ReviewView> => {
		const [{describeCertificates, formatMode, printouts}, {quoteCommand}, {redact}, {answerSettings}] = await Promise.all([
			import('../render/print-plan.js'),
			import('../exec/shell-quote.js'),
			import('../exec/redact.js'),
			import('../plan/headless-command.js'),
		]);
		const secretValues = Object.values(secrets);
		const printed = printouts(plan);
		const settings = answerSettings(loaded, plan).filter(({question}) => !ownCaFollowUps.has(question.id) || plan.answers['caCert'] !== undefined);
		const shown = ({question, value, given}: (typeof settings)[number]) => {
			if (question.secret) return given ? secretMask : '';
			return question.type === 'boolean' && value !== undefined ? (value === 'true' ? 'yes' : 'no') : (value ?? '');
		};
		return {
			answers: settings.map((setting): AnswerView => ({id: setting.question.id, shown: redact(shown(setting), secretValues), isDefault: setting.isDefault})),
			certificates: describeCertificates(plan).map(line => redact(line, secretValues)),
			headless: await headlessView(plan, secrets, kube),
			outDir: plan.outDir,
			files: printed.flatMap(({files}) => files.map(file => ({path: redact(file.path, secretValues), mode: formatMode(file.mode)}))),
			commands: printed.flatMap(({commands}) => commands.map(command => redact(quoteCommand(command), secretValues))),
			steps: plan.steps.map(step => ({id: step.id, title: step.title})),
		};
	};

	const stepsWithProgress = async (plan: Plan, sessionId: string | undefined, secrets: Record<string, string>): Promise<RunStart> => {
		const [{describeStep}, {loadSession}] = await Promise.all([import('../render/print-plan.js'), import('../session/session-store.js')]);
		const {lineUpSession} = await import('../session/line-up-session.js');
		// As the engine will see it: steps the plan now makes differently are no longer done.
		const session = sessionId ? await lineUpSession(await loadSession(env, sessionId), plan, secrets) : undefined;
		return {
			steps: plan.steps.map(step => {
				const waitsFor = step.kind === 'wait-for-log' || step.kind === 'tls-probe' ? describeStep(step)[0] : undefined;
				return {
					id: step.id,
					title: step.title,
					done: session?.steps[step.id]?.state === 'done',
					...(waitsFor ? {waitsFor} : {}),
					...(isToDoByHand(step) ? {manual: true} : {}),
				};
			}),
		};
	};

	return {
		checkEnvironment(onUpdate) {
			void import('../environment/check-tools.js').then(async ({checkEnvironment}) => checkEnvironment(env, onUpdate));
		},

		async findResumable(): Promise<ResumableSession[]> {
			const {effectiveOutcome, isFinished, listSessions} = await import('../session/session-store.js');
			const {sessions} = await listSessions(env);
			const unfinished = sessions.filter(candidate => !isFinished(candidate) && effectiveOutcome(candidate) !== 'running');
			return Promise.all(
				unfinished.map(async (session): Promise<ResumableSession> => {
					const questions = await questionsOf(session.recipe, session.target).catch(() => []);
					const total = session.stepOrder.length;
					// Where the engine starts: steps left to do by hand are behind it, like done ones.
					const next = session.stepOrder.findIndex(id => !isPastStep(session.steps[id]?.state));
					const awaiting = effectiveOutcome(session) === 'awaiting-signature';
					if (awaiting) awaitingSignature.add(session.id);
					const title = await recipe(session.recipe).then(found => found.title, () => session.recipe);
					return {
						id: session.id,
						recipe: session.recipe,
						recipeTitle: title,
						target: session.target,
						nextStep: next === -1 ? total : next + 1,
						totalSteps: total,
						savedAt: new Date(session.updatedAt),
						resumeQuestions: [
							...questions.filter(q => session.secretAnswers.includes(q.id)).map(q => questionView(q)),
							...(awaiting ? [signedDirQuestion(session)] : []),
						],
					};
				}),
			);
		},

		async discardSession(id) {
			const [{rm}, {sessionPath}] = await Promise.all([import('node:fs/promises'), import('../session/session-store.js')]);
			await rm(sessionPath(env, id), {force: true});
		},

		async listRecipes() {
			const [{loadRecipes}, {targetsOf}] = await Promise.all([import('../recipes/load-recipes.js'), import('../recipes/recipe-targets.js')]);
			const loaded = await loadRecipes();
			for (const found of loaded) recipes.set(found.id, found);
			return loaded.map(
				(found): RecipeChoice => ({
					id: found.id,
					title: found.title,
					description: found.description,
					targets: targetsOf(found).map(target => ({id: target, label: targetLabels[target], description: found.targets[target]?.description ?? ''})),
				}),
			);
		},

		async questions(recipeId, target, answers) {
			const questions = await questionsOf(recipeId, target);
			return questions.filter(q => mayApply(q.id, answers)).map(q => (applies(q.id, answers) ? questionView(q) : {...questionView(q), pending: true}));
		},

		async validateAnswer(recipeId, target, questionId, value, answers, sessionId) {
			if (questionId === signedDirId && sessionId && awaitingSignature.has(sessionId)) return checkSignedDir(sessionId, value, answers);
			// The deployment was made with it, and its plan needs it again: leaving it empty cannot be a default.
			if (value === '' && sessionId && deployments.has(sessionId)) return 'The deployment was made with this secret answer, which is never saved: give it again.';
			const [{answerAdvice, validateAnswer}, questions] = await Promise.all([import('../recipes/validate-answer.js'), questionsOf(recipeId, target)]);
			const question = questions.find(q => q.id === questionId);
			if (!question) return `${questionId}: not a question of ${recipeId} --target ${target}`;
			try {
				// The passphrase decides whether your CA's key can be read, even when it is left empty.
				if (value === '' && questionId !== 'caKeyPassphrase') {
					if (questionId === 'caKey' && (answers['caCert'] ?? '') !== '') return `${asked(question)}: your own CA needs its key too. Give the path of its private key, or go back and leave caCert empty.`;
					return question.required && question.default === undefined ? `${asked(question)}: an answer is required.` : undefined;
				}

				if (value !== '') {
					const typed = question.type === 'boolean' ? (value === 'yes' ? 'true' : value === 'no' ? 'false' : value) : value;
					validateAnswer(question, typed, asked(question), answerAdvice(questions, asked));
				}

				await checkFileAnswer(question, value, answers, questions);
				return undefined;
			} catch (error) {
				return (error as Error).message;
			}
		},

		async review(recipeId, target, answers): Promise<ReviewView> {
			const yesNo = Object.fromEntries(Object.entries(answers).map(([id, value]) => [id, value === 'yes' ? 'true' : value === 'no' ? 'false' : value]));
			const collected = await collect(recipeId, target, yesNo, {}).catch(async (error: unknown) => {
				// The error screen goes back to the answer at fault.
				const question = error instanceof Error ? faultQuestion(error.message, await questionsOf(recipeId, target), answers) : undefined;
				throw question ? Object.assign(error as AnswerFault, {question}) : error;
			});
			const {buildPlan} = await import('../plan/build-plan.js');
			const loaded = await recipe(recipeId);
			// Changed answers continue the failed session, in its directory and kube context(s); another recipe or target is a new run.
			if (revising && (revising.recipe !== recipeId || revising.target !== target)) revising = undefined;
			const kube = revising ? contextsOf(revising) : {};
			const planFor = (outDir: string) => buildPlan(loaded, target, collected.answers, {outDir, secretAnswerIds: Object.keys(collected.secrets), ...kube, ...invokerIds()});
			// A new run: the same default output directory as `mtls-wizard run` without --out.
			const plan = planFor(revising ? revising.outDir : path.resolve(cwd, `mtls-${recipeId}`));
			reviewed = {plan, secrets: collected.secrets, sources: collected.sources, planFor, ...(revising ? {sessionId: revising.sessionId} : {}), ...kube};
			return reviewOf(loaded, plan, collected.secrets, kube);
		},

		async findDeployments(): Promise<DeploymentView[]> {
			const [{isFinished, listSessions}, {actionsFor}] = await Promise.all([import('../session/session-store.js'), import('./deployment-actions.js')]);
			const {sessions} = await listSessions(env);
			const finished = sessions.filter(session => isFinished(session));
			// A finished renewal or CA rotation supersedes the deployment it renewed or rotated: what runs now is its own.
			const superseded = new Set(finished.flatMap(session => [session.renewal?.of, session.rotation?.of].filter((of): of is string => of !== undefined)));
			return Promise.all(
				finished
					.filter(session => !superseded.has(session.id))
					.map(async (session): Promise<DeploymentView> => {
						deployments.add(session.id);
						const [title, questions, expiry] = await Promise.all([
							recipe(session.recipe).then(found => found.title, () => session.recipe),
							questionsOf(session.recipe, session.target).catch(() => []),
							firstExpiry(session).catch((error: unknown) => ({problem: (error as Error).message})),
						]);
						return {
							id: session.id,
							recipe: session.recipe,
							recipeTitle: title,
							target: session.target,
							deployedAt: new Date(session.updatedAt),
							...('problem' in expiry ? {expiryProblem: expiry.problem} : {firstExpiry: expiry}),
							actions: actionsFor(session),
							questions: questions.filter(q => session.secretAnswers.includes(q.id)).map(q => questionView(q)),
						};
					}),
			);
		},

		async reviewDeployment(sessionId, actionId, secrets) {
			const [{loadSession}, {deploymentActions}, {checkSecretsGiven, sessionAnswers}, {secretEnvName}, {checkAnswerFiles}] = await Promise.all([
				import('../session/session-store.js'),
				import('./deployment-actions.js'),
				import('../session/session-plan.js'),
				import('../recipes/collect-answers.js'),
				import('../recipes/check-answer-files.js'),
			]);
			const action = deploymentActions.find(candidate => candidate.id === actionId);
			if (!action) throw new Error(`${actionId}: not something the wizard does to a deployment`);
			const session = await loadSession(env, sessionId);
			const loaded = await recipe(session.recipe);
			// The secret answers as `renew` reads them, from their variables; the saved answers are checked as resume checks them.
			const collected = await sessionAnswers(loaded, session, {env: Object.fromEntries(Object.entries(secrets).map(([id, value]) => [secretEnvName(id), value]))});
			checkSecretsGiven(session, collected.secrets, action.verb);
			await checkAnswerFiles(loaded, session.target, collected);
			const input = {recipe: loaded, session, answers: collected.answers, secretIds: Object.keys(collected.secrets), now: new Date()};
			const plan = action.planFor(input);
			// A new session: the deployment's stays as it finished.
			revising = undefined;
			reviewed = {plan, secrets: collected.secrets, sources: collected.sources, planFor: outDir => action.planFor({...input, outDir}), ...contextsOf(session)};
			return reviewOf(loaded, plan, collected.secrets, contextsOf(session));
		},

		async exportBundle(dir) {
			if (!reviewed) throw new Error('nothing reviewed to export');
			const {exportBundle} = await import('../bundle/export-bundle.js');
			const result = await exportBundle({
				dir: path.resolve(cwd, dir),
				plan: reviewed.planFor,
				recipe: await recipe(reviewed.plan.recipe),
				secrets: reviewed.secrets,
				sources: reviewed.sources,
				env,
				signal: new AbortController().signal,
				// The export screen's question.
				field: 'Bundle directory',
			});
			return {dir: result.dir, files: result.files.map(file => file.path)};
		},

		async startRun(from, onEvent) {
			if (from === 'reviewed') {
				if (!reviewed) throw new Error('nothing reviewed to run');
				const {sessionId} = reviewed;
				const start = await stepsWithProgress(reviewed.plan, sessionId, reviewed.secrets);
				await startExecution({plan: reviewed.plan, secrets: reviewed.secrets, ...(sessionId ? {sessionId} : {}), ...contextsOf(reviewed)}, onEvent);
				return start;
			}

			const {loadSession} = await import('../session/session-store.js');
			const session = await loadSession(env, from.sessionId);
			const saved = await recipe(session.recipe);
			if (saved.digest !== session.recipeDigest) {
				throw new Error(`session ${session.id}: the recipe file ${saved.file} changed since it was saved, so its saved steps may not match. Discard it and start new.`);
			}

			const {[signedDirId]: signedDir, ...secrets} = from.secrets;
			const {plan, collected} = await sessionPlan(session, secrets, signedDir);
			const start = await stepsWithProgress(plan, session.id, collected.secrets);
			await startExecution({plan, secrets: collected.secrets, sessionId: session.id, ...contextsOf(session)}, onEvent);
			return start;
		},

		async retry(onEvent) {
			if (!run?.sessionId) throw new Error('no failed run to retry');
			const start = await stepsWithProgress(run.plan, run.sessionId, run.secrets);
			await startExecution({plan: run.plan, secrets: run.secrets, sessionId: run.sessionId, ...contextsOf(run)}, onEvent);
			return start;
		},

		async changeAnswers(from, message) {
			const {loadSession} = await import('../session/session-store.js');
			const sessionId = from === 'run' ? run?.sessionId : from.sessionId;
			if (!sessionId) throw new Error('no run whose answers could be changed');
			const session = await loadSession(env, sessionId);
			const secrets = from === 'run' ? (run?.secrets ?? {}) : from.secrets;
			const questions = await questionsOf(session.recipe, session.target);
			const yesNo = (value: string | number | boolean) => (value === true ? 'yes' : value === false ? 'no' : String(value));
			const answers = {...Object.fromEntries(Object.entries(session.answers).map(([id, value]) => [id, yesNo(value)])), ...secrets};
			revising = {sessionId, recipe: session.recipe, target: session.target, outDir: session.outDir, ...contextsOf(session)};
			const question = faultQuestion(message ?? lastFailure ?? '', questions, answers);
			return {recipe: session.recipe, target: session.target, answers, ...(question ? {question} : {})};
		},

		async summary(): Promise<SummaryView> {
			if (!run?.sessionId) throw new Error('no finished run to summarise');
			const [{readFile}, {inspectCertificate}, {loadSession}, {provedByHandshake}] = await Promise.all([
				import('node:fs/promises'),
				import('../pki/inspect-certificate.js'),
				import('../session/session-store.js'),
				import('../pki/handshake-cases.js'),
			]);
			const session = await loadSession(env, run.sessionId);
			const files = run.plan.steps.flatMap(step =>
				step.kind === 'issue-certificates' ? [path.join(step.dir, 'ca.crt'), ...step.leaves.map(leaf => path.join(step.dir, `${leaf.id}.crt`))] : [],
			);
			const certificates = await Promise.all(
				files.map(async file => {
					const report = inspectCertificate(await readFile(file, 'utf8'));
					return {file: path.basename(file), subject: report.subject, notAfter: new Date(report.notAfter), fingerprint: report.sha256Fingerprint};
				}),
			);
			const local = new Set(['issue-certificates', 'verify-handshake', 'manual', 'wait-for-log', 'tls-probe']);
			return {
				outDir: path.dirname(files[0] ?? run.plan.outDir),
				sessionId: session.id,
				certificates,
				deployed: run.plan.steps.filter(step => !local.has(step.kind)).map(step => session.steps[step.id]?.detail ?? step.title),
				manualSteps: manualSteps(run.plan),
				headless: await headlessView(run.plan, run.secrets, contextsOf(run)),
				// The step passes only when every case does, so a done step proved all of them.
				proved: run.plan.steps.flatMap(step =>
					step.kind === 'verify-handshake' && session.steps[step.id]?.state === 'done' ? provedByHandshake(step.serverName) : [],
				),
			};
		},

		async saveReviewed() {
			if (!reviewed) throw new Error('nothing reviewed to save');
			const {loadSession, newSessionId, saveSession, sessionFromPlan} = await import('../session/session-store.js');
			if (reviewed.sessionId) {
				// Answers changed after a failure: the failed session takes them (its id, directory and kube context stay),
				// lined up as "Run it" would continue it, so resume later keeps what is still valid.
				const {lineUpSession} = await import('../session/line-up-session.js');
				const revised = await lineUpSession(await loadSession(env, reviewed.sessionId), reviewed.plan, reviewed.secrets);
				await saveSession(revised, {env, secrets: reviewed.secrets});
				return revised.id;
			}

			// Resume rebuilds the plan from the session: in every kube context it was reviewed for.
			const session = {...sessionFromPlan(reviewed.plan, newSessionId()), ...contextsOf(reviewed)};
			// No process works on it: a saved 'running' outcome with no pid would read as a killed run.
			session.outcome = 'not-started';
			delete session.pid;
			await saveSession(session, {env, secrets: reviewed.secrets});
			return session.id;
		},

		async stop() {
			const current = run;
			if (!current?.running) return current?.sessionId;
			// In raw mode Ctrl-C arrives as a key, not a signal: hand it to the runner as the SIGINT it stops cleanly on.
			process.emit('SIGINT', 'SIGINT');
			await current.done?.catch(() => undefined);
			return current.sessionId;
		},
	};
}
