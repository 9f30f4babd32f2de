import {Suspense, useEffect, useRef, useState, type ReactNode} from 'react';
import {Box, Text, useApp, useStdout} from 'ink';
import type {EngineEvent} from '../engine-events.js';
import type {TargetId} from '../plan/types.js';
import {checkingReport} from '../environment/checking-report.js';
import type {
	AnswerFault,
	DeploymentActionView,
	DeploymentView,
	QuestionView,
	RecipeChoice,
	Revision,
	ResumableSession,
	ReviewView,
	RunStart,
	SummaryView,
	WizardController,
} from '../wizard/types.js';
import {deploymentsEntry} from './deployment-expiry.js';
import {EnvironmentPanel, environmentRows} from './EnvironmentPanel.js';
import {KeyHints, keyHintRows} from './KeyHints.js';
import {
	DeploymentsScreen,
	ErrorScreen,
	ExportScreen,
	preloadScreens,
	QuestionFlow,
	QuestionScreen,
	RecipeScreen,
	ResumeScreen,
	ReviewScreen,
	RunScreen,
	SummaryScreen,
	TargetScreen,
} from './lazy-screens.js';
import type {DeploymentsEntry} from './RecipeScreen.js';
import type {ReviewAction} from './ReviewScreen.js';
import {applyEngineEvent, initialRunState, type RunState} from './run-state.js';
import {KeysHeld, useKeys} from './use-keys.js';
import {useTone} from './theme.js';
import {wrapText} from './wrap-text.js';

/** How the wizard ended: the exit code, and the session to resume when progress was saved. */
export type WizardExit = {exitCode: number; sessionId?: string};

type Screen =
	| {name: 'loading'}
	| {name: 'resume'; sessions: ResumableSession[]}
	| {name: 'resume-secrets'; sessions: ResumableSession[]; session: ResumableSession; index: number; secrets: Record<string, string>}
	| {name: 'recipe'}
	| {name: 'target'; recipe: RecipeChoice}
	| {name: 'questions'; recipe: RecipeChoice; target: TargetId; answers: Record<string, string>; startAtEnd: boolean; startAt?: string}
	| {name: 'review'; recipe: RecipeChoice; target: TargetId; answers: Record<string, string>; review: ReviewView}
	| {name: 'export'; recipe: RecipeChoice; target: TargetId; answers: Record<string, string>; review: ReviewView}
	| {name: 'run'; state: RunState}
	| {name: 'summary'; summary: SummaryView}
	| {name: 'saved'; sessionId: string}
	| {name: 'error'; message: string; back: Screen}
	// A finished deployment and what is done to it; `origin` is the first screen, where Esc on the list returns.
	| {name: 'deployments'; origin: Screen; reopen?: DeploymentView}
	| ({name: 'deployment-secrets'; index: number} & DeploymentChoice)
	| ({name: 'deployment-review'; review: ReviewView} & DeploymentChoice)
	| ({name: 'deployment-export'; review: ReviewView} & DeploymentChoice);

type DeploymentChoice = {origin: Screen; deployment: DeploymentView; action: DeploymentActionView; secrets: Record<string, string>};

/** The deployment screens' keys are those of the screens they share their shape with. */
const hintsOf: Partial<Record<Screen['name'], string>> = {deployments: 'target', 'deployment-secrets': 'resume-secrets', 'deployment-review': 'review'};

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

type Props = {controller: WizardController; onExit(result: WizardExit): void; now?: () => Date};

export function App({controller, onExit, now = () => new Date()}: Props) {
	const {exit} = useApp();
	const {stdout} = useStdout();
	const tone = useTone();
	const [report, setReport] = useState(checkingReport);
	const [recipes, setRecipes] = useState<RecipeChoice[]>([]);
	const [deployments, setDeployments] = useState<DeploymentView[]>([]);
	const [screen, setScreen] = useState<Screen>({name: 'loading'});
	const running = useRef(false);
	const rows = stdout.rows || 24;
	const columns = (stdout.columns || 80) - 1;
	const where = useRef('');
	// Rows left for the screen under the title, the environment and the key hints; set before body() runs.
	let bodyRows = 0;
	const ended = useRef(false);
	const saving = useRef(false);
	// Going back keeps what was chosen and answered: the pointer returns to it, and picking it again restores the answers.
	const lastRecipe = useRef<string | undefined>(undefined);
	const lastTarget = useRef(new Map<string, TargetId>());
	const drafts = useRef(new Map<string, Record<string, string>>());
	const draftKey = (recipe: string, target: TargetId) => `${recipe}/${target}`;
	// Once a run has finished well, or the bundle is written, there is nothing left to stop or resume: every way out is a success.
	const completed = useRef(false);

	const finish = (result: WizardExit) => {
		if (ended.current) return;
		ended.current = true;
		onExit(result);
		exit();
	};

	const stopAndFinish = (exitCode: number) => {
		if (ended.current) return;
		if (completed.current) {
			finish({exitCode: 0});
			return;
		}

		void controller.stop().then(
			sessionId => {
				finish({exitCode, sessionId});
			},
			() => {
				finish({exitCode});
			},
		);
	};

	useEffect(() => {
		preloadScreens();
		controller.checkEnvironment(setReport);
		Promise.all([controller.listRecipes(), controller.findResumable()]).then(
			([found, sessions]) => {
				setRecipes(found);
				setScreen(sessions.length > 0 ? {name: 'resume', sessions} : {name: 'recipe'});
			},
			(error: unknown) => {
				setScreen({name: 'error', message: errorText(error), back: {name: 'loading'}});
			},
		);
		// The first screen does not wait for it: its entry joins the list when the certificates have been read. The
		// sessions directory is the one findResumable reads, whose failure the error screen already shows.
		controller.findDeployments().then(setDeployments, () => undefined);
	}, []);

	// The saved screen is the last frame: it stays in the terminal after the wizard exits.
	useEffect(() => {
		if (screen.name === 'saved') finish({exitCode: 0, sessionId: screen.sessionId});
	}, [screen]);

	// A reviewed plan is kept whichever way the wizard is left, so quitting there loses none of the answers.
	const saveReviewed = (then: (sessionId: string) => void, back: Screen) => {
		if (saving.current) return;
		saving.current = true;
		controller.saveReviewed().then(then, (error: unknown) => {
			saving.current = false;
			setScreen({name: 'error', message: `could not save the plan: ${errorText(error)}`, back});
		});
	};

	useKeys((input, key) => {
		if (!(key.ctrl && input === 'c')) return;
		if (screen.name === 'summary') {
			finish({exitCode: 0, sessionId: screen.summary.sessionId});
		} else if (screen.name === 'review' || screen.name === 'deployment-review') {
			saveReviewed(sessionId => {
				finish({exitCode: 130, sessionId});
			}, screen);
		} else {
			stopAndFinish(130);
		}
	});

	const onEvent = (event: EngineEvent) => {
		const at = Date.now();
		if (event.type === 'run-finished') running.current = false;
		setScreen(current => (current.name === 'run' ? {name: 'run', state: applyEngineEvent(current.state, event, at)} : current));
		if (event.type !== 'run-finished' || event.exitCode !== 0) return;
		completed.current = true;
		// A run that stopped for a PKI to sign stays on the run screen, which says where the certificates go.
		if (!event.awaitingSignature) {
			controller.summary().then(
				summary => {
					setScreen({name: 'summary', summary});
				},
				(error: unknown) => {
					setScreen({name: 'error', message: errorText(error), back: {name: 'recipe'}});
				},
			);
		}
	};

	/**
	 * `resumed`: a saved session whose answers no longer hold (a file gone, a recipe default changed) is not a dead
	 * end: the error screen goes back to its answers, the cursor on the one at fault.
	 */
	const startRun = (start: (handler: (event: EngineEvent) => void) => Promise<RunStart>, back: Screen, resumed?: {sessionId: string; secrets: Record<string, string>}) => {
		running.current = true;
		// Events can arrive before startRun resolves; they are queued until the step list is known.
		const early: EngineEvent[] = [];
		let handler = (event: EngineEvent) => {
			early.push(event);
		};

		start(event => {
			handler(event);
		}).then(
			started => {
				let state = initialRunState(started);
				for (const event of early) state = applyEngineEvent(state, event, Date.now());
				setScreen({name: 'run', state});
				handler = onEvent;
				const {finished} = state;
				if (finished) onEvent({type: 'run-finished', sessionId: '', exitCode: finished.exitCode, manualSteps: finished.manualSteps, ...(finished.awaitingSignature ? {awaitingSignature: finished.awaitingSignature} : {})});
			},
			(error: unknown) => {
				running.current = false;
				const message = errorText(error);
				const question = (error as AnswerFault).question;
				if (!resumed && back.name === 'review' && question) {
					setScreen({name: 'error', message, back: {name: 'questions', recipe: back.recipe, target: back.target, answers: back.answers, startAtEnd: true, startAt: question}});
					return;
				}

				setScreen({name: 'error', message, back});
				if (resumed) {
					controller.changeAnswers(resumed, message).then(
						revision => {
							setScreen({name: 'error', message, back: questionsFor(revision)});
						},
						() => undefined,
					);
				}
			},
		);
	};

	/** The questions again after a failure, the cursor on the answer at fault when it is known. */
	const questionsFor = (revision: Revision): Screen => {
		const recipe = recipes.find(candidate => candidate.id === revision.recipe) ?? {id: revision.recipe, title: revision.recipe, description: '', targets: []};
		return {name: 'questions', recipe, target: revision.target, answers: revision.answers, startAtEnd: false, ...(revision.question ? {startAt: revision.question} : {})};
	};

	const quit = () => {
		if (running.current) stopAndFinish(130);
		else finish({exitCode: 0});
	};

	/**
	 * The secret answers a saved session needs again (they are never saved), one question a screen: `next` shows the
	 * question at an index, `done` gets them all, `back` leaves from the first.
	 */
	const askAgain = (
		asking: {questions: QuestionView[]; index: number; secrets: Record<string, string>; sessionId: string; recipe: string; target: TargetId},
		to: {next(index: number, secrets: Record<string, string>): void; done(secrets: Record<string, string>): void; back(): void},
	): ReactNode => {
		const {questions, index, secrets} = asking;
		const question = questions[index];
		if (!question) return <Text />;
		return (
			<QuestionScreen
				key={question.id}
				question={question}
				position={{index, total: questions.length}}
				validate={async value => controller.validateAnswer(asking.recipe, asking.target, question.id, value, secrets, asking.sessionId)}
				onAnswer={value => {
					const next = {...secrets, [question.id]: value};
					if (index + 1 < questions.length) to.next(index + 1, next);
					else to.done(next);
				}}
				onBack={() => {
					if (index === 0) to.back();
					else to.next(index - 1, secrets);
				}}
			/>
		);
	};

	/** Review of the plan the controller built: Run it, Export (to `exporting`), Back (to `back`), or save it and quit. */
	const reviewed = (screen: Extract<Screen, {review: ReviewView}>, exporting: Screen, back: Screen): ReactNode => {
		const act = (action: ReviewAction) => {
			if (action === 'run') startRun(handler => controller.startRun('reviewed', handler), screen);
			else if (action === 'export') setScreen(exporting);
			else if (action === 'back') setScreen(back);
			else {
				saveReviewed(sessionId => {
					setScreen({name: 'saved', sessionId});
				}, screen);
			}
		};

		return <ReviewScreen review={screen.review} width={columns} height={bodyRows} onAction={act} />;
	};

	/** The export of the reviewed plan into a directory asked for (default `defaultDir`); Esc goes `back`. */
	const exported = (defaultDir: string, back: Screen): ReactNode => (
		<ExportScreen
			defaultDir={defaultDir}
			width={columns}
			height={bodyRows}
			exportBundle={async dir => controller.exportBundle(dir)}
			onBack={() => setScreen(back)}
			onWritten={() => {
				// From here every way out exits 0: the bundle is on disk, as a finished run's summary.
				completed.current = true;
			}}
			onDone={() => finish({exitCode: 0})}
		/>
	);

	/** The entry on the first screen that leads to the finished deployments; none when there are none. */
	const deploymentsFrom = (origin: Screen): DeploymentsEntry | undefined =>
		deployments.length > 0
			? {
					...deploymentsEntry(deployments),
					onChoose() {
						setScreen({name: 'deployments', origin});
					},
				}
			: undefined;

	/** The renewal (or other action) planned and reviewed with the secret answers given again. */
	const reviewDeployment = (choice: DeploymentChoice) => {
		setScreen({name: 'loading'});
		controller.reviewDeployment(choice.deployment.id, choice.action.id, choice.secrets).then(
			review => {
				setScreen({name: 'deployment-review', ...choice, review});
			},
			(error: unknown) => {
				setScreen({name: 'error', message: errorText(error), back: {name: 'deployments', origin: choice.origin, reopen: choice.deployment}});
			},
		);
	};

	const body = (): ReactNode => {
		switch (screen.name) {
			case 'loading': {
				// Keys typed meanwhile (Enter on the last answer and what follows it) go to the screen this one becomes.
				return (
					<KeysHeld>
						<Text dimColor>Loading…</Text>
					</KeysHeld>
				);
			}

			case 'resume': {
				const {sessions} = screen;
				const resume = (session: ResumableSession) => {
					where.current = `${session.recipeTitle} › ${session.target}`;
					if (session.resumeQuestions.length > 0) setScreen({name: 'resume-secrets', sessions, session, index: 0, secrets: {}});
					else startRun(handler => controller.startRun({sessionId: session.id, secrets: {}}, handler), screen, {sessionId: session.id, secrets: {}});
				};

				const discard = (session: ResumableSession) => {
					controller.discardSession(session.id).then(
						() => {
							const left = sessions.filter(candidate => candidate.id !== session.id);
							setScreen(left.length > 0 ? {name: 'resume', sessions: left} : {name: 'recipe'});
						},
						(error: unknown) => {
							setScreen({name: 'error', message: errorText(error), back: screen});
						},
					);
				};

				const entry = deploymentsFrom(screen);
				return (
					<ResumeScreen sessions={sessions} now={now()} width={columns} height={bodyRows} onResume={resume} onNew={() => setScreen({name: 'recipe'})} onDiscard={discard} onQuit={quit} {...(entry ? {deployments: entry} : {})} />
				);
			}

			case 'resume-secrets': {
				const {sessions, session} = screen;
				return askAgain({...screen, questions: session.resumeQuestions, sessionId: session.id, recipe: session.recipe, target: session.target}, {
					next: (index, secrets) => setScreen({...screen, index, secrets}),
					done(secrets) {
						startRun(handler => controller.startRun({sessionId: session.id, secrets}, handler), {name: 'resume', sessions}, {sessionId: session.id, secrets});
					},
					back: () => setScreen({name: 'resume', sessions}),
				});
			}

			case 'recipe': {
				const entry = deploymentsFrom(screen);
				return (
					<RecipeScreen
						recipes={recipes}
						initial={lastRecipe.current}
						{...(entry ? {deployments: entry} : {})}
						width={columns}
						height={bodyRows}
						onSelect={recipe => {
							lastRecipe.current = recipe.id;
							setScreen({name: 'target', recipe});
						}}
						onQuit={quit}
					/>
				);
			}

			case 'target': {
				const {recipe} = screen;
				return (
					<TargetScreen
						recipe={recipe}
						report={report}
						initial={lastTarget.current.get(recipe.id)}
						width={columns}
						height={bodyRows}
						onSelect={target => {
							const answers = drafts.current.get(draftKey(recipe.id, target)) ?? {};
							setScreen({name: 'questions', recipe, target, answers, startAtEnd: false});
						}}
						onBack={() => setScreen({name: 'recipe'})}
						onQuit={quit}
					/>
				);
			}

			case 'questions': {
				const {recipe, target} = screen;
				return (
					<QuestionFlow
						key={`${recipe.id}/${target}`}
						loadQuestions={async answers => controller.questions(recipe.id, target, answers)}
						validate={async (question, value, answers) => controller.validateAnswer(recipe.id, target, question.id, value, answers)}
						initialAnswers={screen.answers}
						startAtEnd={screen.startAtEnd}
						{...(screen.startAt ? {startAt: screen.startAt} : {})}
						onDone={answers => {
							setScreen({name: 'loading'});
							controller.review(recipe.id, target, answers).then(
								review => {
									setScreen({name: 'review', recipe, target, answers, review});
								},
								(error: unknown) => {
									const question = (error as AnswerFault).question;
									setScreen({name: 'error', message: errorText(error), back: {name: 'questions', recipe, target, answers, startAtEnd: true, ...(question ? {startAt: question} : {})}});
								},
							);
						}}
						onBack={answers => {
							lastTarget.current.set(recipe.id, target);
							drafts.current.set(draftKey(recipe.id, target), answers);
							setScreen({name: 'target', recipe});
						}}
						onError={message => setScreen({name: 'error', message, back: {name: 'target', recipe}})}
					/>
				);
			}

			case 'review': {
				const {recipe, target, answers} = screen;
				return reviewed(screen, {...screen, name: 'export'}, {name: 'questions', recipe, target, answers, startAtEnd: true});
			}

			case 'export': {
				return exported(`mtls-${screen.recipe.id}-bundle`, {...screen, name: 'review'});
			}

			case 'run': {
				return (
					<RunScreen
						state={screen.state}
						width={columns}
						height={bodyRows}
						onRetry={() => startRun(handler => controller.retry(handler), screen)}
						onChangeAnswers={() => {
							controller.changeAnswers('run').then(
								revision => {
									setScreen(questionsFor(revision));
								},
								(error: unknown) => {
									setScreen({name: 'error', message: errorText(error), back: screen});
								},
							);
						}}
						onQuit={() => {
							if (running.current) stopAndFinish(130);
							else stopAndFinish(screen.state.failure?.exitCode ?? screen.state.finished?.exitCode ?? 1);
						}}
					/>
				);
			}

			case 'summary': {
				return (
					<SummaryScreen
						summary={screen.summary}
						width={columns}
						height={bodyRows}
						onExit={() => finish({exitCode: 0, sessionId: screen.summary.sessionId})}
					/>
				);
			}

			case 'deployments': {
				const {origin, reopen} = screen;
				return (
					<DeploymentsScreen
						deployments={deployments}
						now={now()}
						width={columns}
						height={bodyRows}
						{...(reopen ? {reopen} : {})}
						onChoose={(deployment, action) => {
							const choice = {origin, deployment, action, secrets: {}};
							if (deployment.questions.length > 0) setScreen({name: 'deployment-secrets', ...choice, index: 0});
							else reviewDeployment(choice);
						}}
						onBack={() => setScreen(origin)}
						onQuit={quit}
					/>
				);
			}

			case 'deployment-secrets': {
				const {deployment, origin, action} = screen;
				return askAgain({...screen, questions: deployment.questions, sessionId: deployment.id, recipe: deployment.recipe, target: deployment.target}, {
					next: (index, secrets) => setScreen({...screen, index, secrets}),
					done(secrets) {
						reviewDeployment({origin, deployment, action, secrets});
					},
					back: () => setScreen({name: 'deployments', origin, reopen: deployment}),
				});
			}

			case 'deployment-review': {
				const {origin, deployment, action, secrets} = screen;
				const last = deployment.questions.length - 1;
				const back: Screen = last >= 0 ? {name: 'deployment-secrets', origin, deployment, action, secrets, index: last} : {name: 'deployments', origin, reopen: deployment};
				return reviewed(screen, {...screen, name: 'deployment-export'}, back);
			}

			case 'deployment-export': {
				// Named for what the bundle does to the deployment: mtls-generic-renew-bundle, mtls-generic-rotate-ca-bundle.
				return exported(`mtls-${screen.deployment.recipe}-${screen.action.id}-bundle`, {...screen, name: 'deployment-review'});
			}

			case 'saved': {
				return <Text>Saved. Continue with: mtls-wizard resume {screen.sessionId} (or mtls-wizard)</Text>;
			}

			case 'error': {
				const {back, message} = screen;
				return <ErrorScreen message={message} onBack={() => setScreen(back.name === 'loading' ? {name: 'recipe'} : back)} onQuit={quit} />;
			}
		}
	};

	// The run and summary screens keep naming what was chosen on the screens before them.
	if ('recipe' in screen) where.current = `${screen.recipe.title}${'target' in screen ? ` › ${screen.target}` : ''}`;
	else if (screen.name === 'resume-secrets') where.current = `${screen.session.recipeTitle} › ${screen.session.target}`;
	else if (screen.name === 'resume') where.current = screen.sessions.length === 1 ? `${screen.sessions[0]!.recipeTitle} › ${screen.sessions[0]!.target}` : '';
	else if ('deployment' in screen) where.current = `${screen.deployment.recipeTitle} › ${screen.deployment.target} › ${screen.action.verb}`;
	else if (screen.name === 'recipe' || screen.name === 'deployments') where.current = '';
	const showsEnvironment = screen.name !== 'run' && screen.name !== 'summary';
	const hints = screen.name === 'run' && screen.state.finished ? 'run-finished' : (hintsOf[screen.name] ?? screen.name);
	const title = `mtls-wizard${where.current ? `  ${where.current}` : ''}`;
	// Ink redraws a frame as tall as the terminal by clearing the screen, which leaves a copy of it in the scrollback
	// every time: a frame keeps its last row free. The 1 is the gap above the screen.
	bodyRows =
		rows - 1 - wrapText(title, columns).length - (showsEnvironment ? environmentRows(report, columns) : 0) - 1 - keyHintRows(hints, columns);
	return (
		<Box flexDirection="column">
			<Text>
				<Text bold color={tone('cyan')}>
					mtls-wizard
				</Text>
				<Text dimColor>{where.current ? `  ${where.current}` : ''}</Text>
			</Text>
			{showsEnvironment ? <EnvironmentPanel report={report} width={columns} /> : null}
			<Box marginTop={1} flexDirection="column">
				<Suspense
					fallback={
						<KeysHeld>
							<Text dimColor>Loading…</Text>
						</KeysHeld>
					}
				>
					{body()}
				</Suspense>
			</Box>
			<KeyHints screen={hints} width={columns} />
		</Box>
	);
}
