import {useState} from 'react';
import {Box, Text} from 'ink';
import type {QuestionView} from '../wizard/types.js';
import {SelectList} from './SelectList.js';
import {TextField} from './TextField.js';
import {useKeyHold, useKeys} from './use-keys.js';
import {useRefState} from './use-ref-state.js';
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

/**
 * One question: Enter accepts (empty takes the default), Esc goes back. Secret answers are masked. A question
 * marked confirm asks a typed answer twice; when the two differ it says so and asks from the first entry again.
 */
export function QuestionScreen({question, position, initialValue, validate, onAnswer, onBack}: Props) {
	const tone = useTone();
	const [problem, setProblem] = useState<string>();
	// The first entry while the second is typed; a ref too, for a confirmation typed in the same burst.
	const [first, setFirst, firstRef] = useRefState<string | undefined>(undefined);
	// Keys typed behind Enter wait for the check: they belong to the next question, or to this one if it refuses.
	const keyHold = useKeyHold();

	const submit = (raw: string): boolean => {
		const answer = raw === '' ? (question.defaultValue ?? '') : raw;
		if (question.confirm && answer !== '') {
			if (firstRef.current === undefined) {
				setFirst(answer);
				setProblem(undefined);
				return true;
			}

			if (firstRef.current !== answer) {
				setFirst(undefined);
				setProblem('The two entries differ. Type it again, then once more to confirm.');
				return true;
			}
		}

		keyHold.hold();
		const refuse = (found: string) => {
			setProblem(found);
			setFirst(undefined);
			keyHold.release();
		};

		validate(answer).then(
			found => {
				if (found) refuse(found);
				// The hold ends when the next screen replaces this one.
				else onAnswer(answer);
			},
			(error: unknown) => {
				refuse(error instanceof Error ? error.message : String(error));
			},
		);
		return false;
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
			{first === undefined ? null : <Text color={tone('cyan')}>Type it again to confirm.</Text>}
			<Box marginTop={1}>
				{question.choices ? (
					<SelectList
						items={question.choices.map(choice => ({value: choice, label: question.choiceLabels?.[choice] ?? choice}))}
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
