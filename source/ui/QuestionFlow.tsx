import {useEffect, useState} from 'react';
import {Text} from 'ink';
import type {QuestionView} from '../wizard/types.js';
import {QuestionScreen} from './QuestionScreen.js';

type Props = {
	/** The questions that apply given the answers so far; asked again after every answer. */
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

/** Asks one question per screen; Esc returns to the previous one with its answer kept for editing. */
export function QuestionFlow({loadQuestions, validate, initialAnswers, startAtEnd, startAt, onDone, onBack, onError}: Props) {
	const [answers, setAnswers] = useState(initialAnswers);
	const [questions, setQuestions] = useState<QuestionView[]>();
	const [index, setIndex] = useState(0);

	useEffect(() => {
		loadQuestions(initialAnswers).then(
			found => {
				if (found.length === 0) {
					onDone(initialAnswers);
					return;
				}

				setQuestions(found);
				const at = found.findIndex(question => question.id === startAt);
				setIndex(at === -1 ? (startAtEnd ? found.length - 1 : 0) : at);
			},
			(error: unknown) => {
				onError(error instanceof Error ? error.message : String(error));
			},
		);
		// Loads once per mount; each answer reloads explicitly in `answer`.
	}, []);

	if (!questions) return <Text dimColor>Loading questions…</Text>;
	const question = questions[index];
	if (!question) return null;

	const answer = (value: string) => {
		const next = {...answers, [question.id]: value};
		setAnswers(next);
		loadQuestions(next).then(
			found => {
				const position = found.findIndex(candidate => candidate.id === question.id);
				const following = found[position + 1];
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
			position={{index, total: questions.length}}
			initialValue={answers[question.id]}
			validate={async value => validate(question, value, answers)}
			onAnswer={answer}
			onBack={back}
		/>
	);
}
