import {Text} from 'ink';
import {editLine, type Line} from './edit-line.js';
import {useKeys} from './use-keys.js';
import {useRefState} from './use-ref-state.js';

type Props = {
	initialValue?: string;
	/** Shown dimmed while the field is empty. */
	placeholder?: string;
	/** Shown in place of each character (secret answers). */
	mask?: string;
	isActive?: boolean;
	onChange?(value: string): void;
	/**
	 * Returns true to empty the field for another entry (a confirmation). The field empties at once, so keys of
	 * the same burst land in the new entry, not after the submitted one.
	 */
	onSubmit(value: string): boolean | void;
};

/**
 * A one-line text field that loses no keys: the line lives in a ref, so every key (and every character of a
 * burst or a paste) applies to the line the previous one left, whether or not the screen has rendered since.
 * Enter or a pasted newline submits; Ctrl-U, Ctrl-W, Ctrl-A/E, Home/End and the arrows edit.
 */
export function TextField({initialValue = '', placeholder, mask, isActive = true, onChange, onSubmit}: Props) {
	const start: Line = {value: initialValue, cursor: initialValue.length};
	const [line, setLine, lineRef] = useRefState(start);

	useKeys((input, key) => {
		const before = lineRef.current;
		const {line: after, submitted} = editLine(before, input, key);
		if (after !== before) {
			setLine(after);
			if (after.value !== before.value) onChange?.(after.value);
		}

		if (submitted && onSubmit(after.value) === true) setLine({value: '', cursor: 0});
	}, isActive);

	const shown = mask ? mask.repeat(line.value.length) : line.value;
	if (shown === '' && placeholder) {
		return (
			<Text>
				{isActive ? <Text inverse>{placeholder[0]}</Text> : null}
				<Text dimColor>{isActive ? placeholder.slice(1) : placeholder}</Text>
			</Text>
		);
	}

	if (!isActive) return <Text>{shown}</Text>;
	return (
		<Text>
			{shown.slice(0, line.cursor)}
			<Text inverse>{shown[line.cursor] ?? ' '}</Text>
			{shown.slice(line.cursor + 1)}
		</Text>
	);
}
