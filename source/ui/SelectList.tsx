
import {useState} from 'react';
import {Box, Text} from 'ink';
import {useKeys} from './use-keys.js';
import {useRefState} from './use-ref-state.js';
import {useTone} from './theme.js';
import {wrapText} from './wrap-text.js';

export type SelectItem<T> = {
	value: T;
	label: string;
	description?: string;
	/** Set when the item cannot be chosen; shown in place of the description. */
	unavailable?: string;
	/** A row of its own under the label, wrapped rather than cut: a fact that must be read whole (an expiry date). */
	detail?: {text: string; warn?: boolean};
};

type Props<T> = {
	items: Array<SelectItem<T>>;
	onSelect(value: T): void;
	/** Esc. */
	onBack?(): void;
	/** q. */
	onQuit?(): void;
	isActive?: boolean;
	initialIndex?: number;
	/**
	 * The rows and columns the list may fill. Given both, details are wrapped to the width and a list taller than the
	 * height shows a window around the pointer, with how many items are above and below it.
	 */
	height?: number;
	width?: number;
};

/** Where details start: under the label, past the pointer. */
const detailIndent = 4;

/** The items to show, [start, end), around `index` within `height` rows, keeping two rows for the "more" lines. */
function windowAround(rows: number[], index: number, height: number): [number, number] {
	if (rows.reduce((sum, count) => sum + count, 0) <= height) return [0, rows.length];
	const budget = height - 2;
	let start = index;
	let end = index + 1;
	let used = rows[index] ?? 1;
	for (let grew = true; grew; ) {
		grew = false;
		if (end < rows.length && used + rows[end]! <= budget) {
			used += rows[end++]!;
			grew = true;
		}

		if (start > 0 && used + rows[start - 1]! <= budget) {
			used += rows[--start]!;
			grew = true;
		}
	}

	return [start, end];
}

/** The pointer starts on the asked item, or on the first item that can be picked when that one cannot. */
function startIndex<T>(items: Array<SelectItem<T>>, initialIndex: number): number {
	const asked = Math.min(initialIndex, Math.max(items.length - 1, 0));
	if (!items[asked]?.unavailable) return asked;
	const available = items.findIndex(item => !item.unavailable);
	return available === -1 ? asked : available;
}

/** A vertical list: arrows or j/k move, Enter picks, Esc goes back, q quits. Unavailable items say why. */
export function SelectList<T>({items, onSelect, onBack, onQuit, isActive = true, initialIndex = 0, height, width}: Props<T>) {
	const tone = useTone();
	const [index, setIndex, indexRef] = useRefState(startIndex(items, initialIndex));
	// Enter on an item that cannot be picked says why under the list, until the pointer moves.
	const [refused, setRefused] = useState<string>();

	useKeys((input, key) => {
		const current = Math.min(indexRef.current, items.length - 1);
		const move = (to: number) => {
			setRefused(undefined);
			setIndex(to);
		};

		if (key.upArrow || input === 'k') move(current <= 0 ? items.length - 1 : current - 1);
		else if (key.downArrow || input === 'j') move(current >= items.length - 1 ? 0 : current + 1);
		else if (key.return) {
			const item = items[current];
			if (item?.unavailable) setRefused(`${item.label} cannot be chosen: ${item.unavailable}.`);
			else if (item) onSelect(item.value);
		} else if (key.escape) onBack?.();
		else if (input === 'q') onQuit?.();
	}, isActive);

	const sized = height !== undefined && width !== undefined;
	const details = items.map(item => (item.detail ? (sized ? wrapText(item.detail.text, Math.max(1, width - detailIndent)) : [item.detail.text]) : []));
	const [start, end] = sized ? windowAround(details.map(lines => 1 + lines.length), Math.min(index, items.length - 1), height) : [0, items.length];
	const windowed = start > 0 || end < items.length;
	return (
		<Box flexDirection="column">
			{windowed ? <Text dimColor>{start > 0 ? `↑ ${start} more above` : ' '}</Text> : null}
			{items.slice(start, end).map((item, shown) => {
				const i = start + shown;
				const selected = i === index;
				const row = (
					<Box key={String(i)}>
						<Box width={2} flexShrink={0}>
							<Text color={selected ? tone('cyan') : undefined}>{selected ? '❯' : ' '}</Text>
						</Box>
						<Text bold={selected} dimColor={Boolean(item.unavailable)} color={selected && !item.unavailable ? tone('cyan') : undefined} wrap="truncate">
							{item.label}
							{item.unavailable ? (
								<Text dimColor> (unavailable: {item.unavailable})</Text>
							) : item.description ? (
								<Text dimColor> {item.description}</Text>
							) : null}
						</Text>
					</Box>
				);
				if (!item.detail) return row;
				return (
					<Box key={String(i)} flexDirection="column">
						{row}
						{details[i]!.map((line, l) => (
							<Box key={String(l)} paddingLeft={detailIndent}>
								<Text color={item.detail?.warn ? tone('yellow') : undefined} dimColor={!item.detail?.warn}>
									{line}
								</Text>
							</Box>
						))}
					</Box>
				);
			})}
			{windowed ? <Text dimColor>{end < items.length ? `↓ ${items.length - end} more below` : ' '}</Text> : null}
			{refused ? <Text color={tone('yellow')}>{refused}</Text> : null}
		</Box>
	);
}
