import {useRef, useState} from 'react';
import {Box, Text} from 'ink';
import type {QuestionView} from '../wizard/types.js';
import {SelectList} from './SelectList.js';
import {TextField} from './TextField.js';
import {useKeys} from './use-keys.js';
import {useTone} from './theme.js';

type Props = {
	question: QuestionView;
	position: {index: number; total: number};
	initialValue?: string;
	/** Resolves with a problem to show, or undefined to accept. */
	validate(value: string): Promise<string | undefined>;
	onAnswer(value: string): void;
	onBack(): void;
};

/** One question: Enter accepts (empty takes the default), Esc goes back. Secret answers are masked. */
export function QuestionScreen({question, position, initialValue, validate, onAnswer, onBack}: Props) {
	const tone = useTone();
	const [problem, setProblem] = useState<string>();
	// A ref, not state: a second Enter in the same burst must see that the first one is being checked.
	const checking = useRef(false);

	const submit = (raw: string) => {
		if (checking.current) return;
		const answer = raw === '' ? (question.defaultValue ?? '') : raw;
		checking.current = true;
		void validate(answer).then(found => {
			checking.current = false;
			setProblem(found);
			if (!found) onAnswer(answer);
		});
	};

	useKeys((_input, key) => {
		if (key.escape) onBack();
	}, !question.choices);

	const shownDefault = question.defaultValue && !question.secret ? question.defaultValue : undefined;
	return (
		<Box flexDirection="column">
			<Text dimColor>
				Question {position.index + 1} of {position.total}
			</Text>
			<Text bold>{question.prompt}</Text>
			{question.help ? <Text dimColor>{question.help}</Text> : null}
			<Box marginTop={1}>
				{question.choices ? (
					<SelectList
						items={question.choices.map(choice => ({value: choice, label: choice}))}
						initialIndex={Math.max(0, question.choices.indexOf(initialValue ?? question.defaultValue ?? ''))}
						onSelect={submit}
						onBack={onBack}
					/>
				) : (
					<Box>
						<Text color={tone('cyan')}>› </Text>
						<TextField
							initialValue={initialValue}
							placeholder={shownDefault}
							mask={question.secret ? '*' : undefined}
							onChange={() => {
								setProblem(undefined);
							}}
							onSubmit={submit}
						/>
					</Box>
				)}
			</Box>
			{problem ? <Text color={tone('red')}>✘ {problem}</Text> : null}
		</Box>
	);
}
