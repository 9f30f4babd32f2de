import {useState} from 'react';
import {Box, Text} from 'ink';
import type {ResumableSession} from '../wizard/types.js';
import type {DeploymentsEntry} from './RecipeScreen.js';
import {SelectList} from './SelectList.js';
import {formatAge} from './format-time.js';
import {wrapText} from './wrap-text.js';

type Props = {
	/** Newest first. */
	sessions: ResumableSession[];
	now: Date;
	onResume(session: ResumableSession): void;
	onNew(): void;
	/** Offered first, above the sessions, when there are finished deployments. */
	deployments?: DeploymentsEntry;
	/** Called only once the user confirmed it. */
	onDiscard(session: ResumableSession): void;
	onQuit(): void;
	/** The columns and rows the screen may fill: its lists wrap and scroll to fit. */
	width: number;
	height: number;
};

/** Text above a list, wrapped as the list's width is, so the list knows the rows left to it. */
function Heading({lines, dim = false}: {lines: string[]; dim?: boolean}) {
	return lines.map(line => (
		<Text key={line} bold={!dim} dimColor={dim}>
			{line}
		</Text>
	));
}

type Step = {name: 'list'} | {name: 'pick-discard'} | {name: 'confirm'; session: ResumableSession};

const describe = (session: ResumableSession) => `${session.recipeTitle} on ${session.target} at step ${session.nextStep} of ${session.totalSteps}`;

/** Every unfinished session to resume, or start new; Discard asks which (when there are several) and then whether. */
export function ResumeScreen({sessions, now, onResume, onNew, deployments, onDiscard, onQuit, width, height}: Props) {
	const [step, setStep] = useState<Step>({name: 'list'});
	const saved = (session: ResumableSession) => `(saved ${formatAge(session.savedAt, now)})`;
	const [only] = sessions;

	if (step.name === 'confirm') {
		const question = wrapText(`Discard ${describe(step.session)} ${saved(step.session)}?`, width);
		const note = wrapText('It cannot be resumed afterwards; files it wrote stay where they are.', width);
		return (
			<Box flexDirection="column">
				<Heading lines={question} />
				<Heading dim lines={note} />
				<SelectList<'keep' | 'discard'>
					key="confirm"
					width={width}
					height={height - question.length - note.length}
					items={[
						{value: 'keep', label: 'No, keep it'},
						{value: 'discard', label: 'Yes, discard it'},
					]}
					onSelect={choice => {
						setStep({name: 'list'});
						if (choice === 'discard') onDiscard(step.session);
					}}
					onBack={() => setStep({name: 'list'})}
					onQuit={onQuit}
				/>
			</Box>
		);
	}

	if (step.name === 'pick-discard') {
		return (
			<Box flexDirection="column">
				<Text bold>Which session should be discarded?</Text>
				<SelectList<ResumableSession>
					key="pick"
					width={width}
					height={height - 1}
					items={sessions.map(session => ({value: session, label: describe(session), description: saved(session)}))}
					onSelect={session => setStep({name: 'confirm', session})}
					onBack={() => setStep({name: 'list'})}
					onQuit={onQuit}
				/>
			</Box>
		);
	}

	type Choice = {resume: ResumableSession} | 'new' | 'deployments' | 'discard';
	const found = wrapText(sessions.length === 1 ? 'An unfinished session was found.' : `${sessions.length} unfinished sessions were found, newest first.`, width);
	// The deployments' entry heads the list, as on the product list, so however many sessions there are it shows
	// without scrolling; the pointer starts on the newest session.
	const entry = deployments ? [{value: 'deployments' as const, label: deployments.label, description: deployments.description}] : [];
	return (
		<Box flexDirection="column">
			<Heading lines={found} />
			<SelectList<Choice>
				key="list"
				width={width}
				height={height - found.length}
				initialIndex={entry.length}
				items={[
					...entry,
					...sessions.map(session => ({value: {resume: session}, label: `Resume ${describe(session)}`, description: saved(session)})),
					{value: 'new' as const, label: 'Start new', description: `keep the saved session${sessions.length === 1 ? '' : 's'} for later`},
					{value: 'discard' as const, label: 'Discard', description: sessions.length === 1 ? 'forget the saved session (asks first)' : 'forget one of the saved sessions (asks first)'},
				]}
				onSelect={choice => {
					if (choice === 'new') onNew();
					else if (choice === 'deployments') deployments?.onChoose();
					else if (choice === 'discard') setStep(sessions.length === 1 && only ? {name: 'confirm', session: only} : {name: 'pick-discard'});
					else onResume(choice.resume);
				}}
				onQuit={onQuit}
			/>
		</Box>
	);
}
