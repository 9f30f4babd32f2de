import {useEffect, useState} from 'react';
import {Text} from 'ink';
import type {QuestionView} from '../wizard/types.js';
import {QuestionScreen} from './QuestionScreen.js';
import {KeysHeld} from './use-keys.js';

type Props = {
	/** The questions that apply given the answers so far, and those still undecided (pending); asked again after every answer. */
	loadQuestions(answers: Record<string, string>): Promise<QuestionView[]>;
	validate(question: QuestionView, value: string, answers: Record<string, string>): Promise<string | undefined>;
	initialAnswers: Record<string, string>;
	/** Start at the last question instead of the first (coming back from the review). */
	startAtEnd: boolean;
	/** Start at this question instead (the answer at fault after a failure), when it is asked. */
	startAt?: string;
	onDone(answers: Record<string, string>): void;
	/** Esc on the first question, with the answers given so far, so picking this recipe and target again restores them. */
	onBack(answers: Record<string, string>): void;
	onError(message: string): void;
};

/**
 * Asks one question per screen; Esc returns to the previous one with its answer kept for editing. "Question n of N"
 * counts every question that can still be asked given the answers so far, so going forward N only shrinks as
 * answers rule questions out, and n never passes it.
 */
export function QuestionFlow({loadQuestions, validate, initialAnswers, startAtEnd, startAt, onDone, onBack, onError}: Props) {
	const [answers, setAnswers] = useState(initialAnswers);
	const [questions, setQuestions] = useState<QuestionView[]>();
	const [index, setIndex] = useState(0);
	const asked = questions?.filter(question => !question.pending);

	useEffect(() => {
		loadQuestions(initialAnswers).then(
			found => {
				const toAsk = found.filter(question => !question.pending);
				if (toAsk.length === 0) {
					onDone(initialAnswers);
					return;
				}

				setQuestions(found);
				const at = toAsk.findIndex(question => question.id === startAt);
				setIndex(at === -1 ? (startAtEnd ? toAsk.length - 1 : 0) : at);
			},
			(error: unknown) => {
				onError(error instanceof Error ? error.message : String(error));
			},
		);
		// Loads once per mount; each answer reloads explicitly in `answer`.
	}, []);

	if (!questions || !asked) {
		return (
			<KeysHeld>
				<Text dimColor>Loading questions…</Text>
			</KeysHeld>
		);
	}

	const question = asked[index];
	if (!question) return null;

	const answer = (value: string) => {
		const next = {...answers, [question.id]: value};
		setAnswers(next);
		loadQuestions(next).then(
			found => {
				const toAsk = found.filter(candidate => !candidate.pending);
				const position = toAsk.findIndex(candidate => candidate.id === question.id);
				const following = toAsk[position + 1];
				if (position === -1 || !following) {
					onDone(next);
					return;
				}

				setQuestions(found);
				setIndex(position + 1);
			},
			(error: unknown) => {
				onError(error instanceof Error ? error.message : String(error));
			},
		);
	};

	const back = () => {
		if (index === 0) onBack(answers);
		else setIndex(index - 1);
	};

	return (
		<QuestionScreen
			key={question.id}
			question={question}
			position={{index: questions.indexOf(question), total: questions.length}}
			initialValue={answers[question.id]}
			validate={async value => validate(question, value, answers)}
			onAnswer={answer}
			onBack={back}
		/>
	);
}
