
import {useRef, useState} from 'react';
import {Box, Text, useStdout} from 'ink';
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
	/** Rows of their own under the label, wrapped rather than cut: a fact that must be read whole (an expiry date). */
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
	/** The columns the list may fill; the terminal's width when not given. */
	width?: number;
	/** The rows the list may fill; without it every item shows. */
	height?: number;
};

/** The pointer starts on the asked item, or on the first item that can be picked when that one cannot. */
function startIndex<T>(items: Array<SelectItem<T>>, initialIndex: number): number {
	const asked = Math.min(initialIndex, Math.max(items.length - 1, 0));
	if (!items[asked]?.unavailable) return asked;
	const available = items.findIndex(item => !item.unavailable);
	return available === -1 ? asked : available;
}

type Row = {text: string; label: boolean; warn?: boolean};

/**
 * An item's rows at `width` columns after the pointer's two: the label and its description side by side when they
 * fit, else the label (wrapped) with the description wrapped under it, indented; then its detail, indented. Nothing
 * is cut.
 */
function rowsOf<T>(item: SelectItem<T>, width: number): Row[] {
	const extra = item.unavailable ? `(unavailable: ${item.unavailable})` : item.description;
	const detail = item.detail ? wrapText(item.detail.text, width, '  ').map(text => ({text, label: false, ...(item.detail?.warn ? {warn: true} : {})})) : [];
	if (!extra) return [...wrapText(item.label, width, '', '  ').map(text => ({text, label: true})), ...detail];
	if (item.label.length + 1 + extra.length <= width) return [{text: `${item.label} ${extra}`, label: true}, ...detail];
	return [...wrapText(item.label, width, '', '  ').map(text => ({text, label: true})), ...wrapText(extra, width, '  ').map(text => ({text, label: false})), ...detail];
}

/** The rows a list of these items takes at `width` columns, every item shown. */
export function listRows<T>(items: Array<SelectItem<T>>, width: number): number {
	return items.reduce((sum, item) => sum + rowsOf(item, width - 2).length, 0);
}

/**
 * A vertical list: arrows or j/k move, Enter picks, Esc goes back, q quits. Unavailable items say why. Given a
 * height, a list taller than it shows a window that follows the pointer, and says how many items are above and below.
 */
export function SelectList<T>({items, onSelect, onBack, onQuit, isActive = true, initialIndex = 0, width, height}: Props<T>) {
	const tone = useTone();
	const {stdout} = useStdout();
	const [index, setIndex, indexRef] = useRefState(startIndex(items, initialIndex));
	// The pointer stays on its item when items are added above it (an entry that joins the list after the first
	// frame): a key pressed next acts on what the user saw under the pointer, not on whatever moved into its place.
	const pointed = useRef(items[index]?.value);
	const moved = items.findIndex(item => item.value === pointed.current);
	if (moved !== -1 && moved !== index) setIndex(moved);
	// Enter on an item that cannot be picked says why under the list, until the pointer moves.
	const [refused, setRefused] = useState<string>();
	// The first item shown when the list scrolls; it moves only as far as the pointer needs.
	const top = useRef(0);

	useKeys((input, key) => {
		const current = Math.min(indexRef.current, items.length - 1);
		const move = (to: number) => {
			setRefused(undefined);
			setIndex(to);
			pointed.current = items[to]?.value;
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

	const columns = width ?? (stdout.columns || 80) - 1;
	const rows = items.map(item => rowsOf(item, columns - 2));
	const refusedRows = refused ? wrapText(refused, columns) : [];
	const room = height === undefined ? Number.POSITIVE_INFINITY : Math.max(1, height - refusedRows.length);
	const count = (from: number, to: number) => rows.slice(from, to).reduce((sum, itemRows) => sum + itemRows.length, 0);
	let first = 0;
	let last = items.length;
	if (count(0, items.length) > room) {
		// One row says what is above and below.
		const window = Math.max(1, room - 1);
		first = Math.min(top.current, index);
		while (first < index && count(first, index + 1) > window) first++;
		last = first + 1;
		while (last < items.length && count(first, last + 1) <= window) last++;
	}

	top.current = first;
	const more = [first > 0 ? `↑ ${first} more above` : '', last < items.length ? `↓ ${items.length - last} more below` : ''].filter(Boolean).join('  ');
	return (
		<Box flexDirection="column">
			{items.slice(first, last).map((item, shown) => {
				const i = first + shown;
				const selected = i === index;
				return rows[i]!.map((row, r) => (
					<Text key={`${i}-${r}`}>
						<Text color={selected ? tone('cyan') : undefined}>{selected && r === 0 ? '❯ ' : '  '}</Text>
						{row.label ? (
							<Text bold={selected} dimColor={Boolean(item.unavailable)} color={selected && !item.unavailable ? tone('cyan') : undefined}>
								{r === 0 && row.text.length > item.label.length ? item.label : row.text}
								{r === 0 && row.text.length > item.label.length ? <Text dimColor>{row.text.slice(item.label.length)}</Text> : null}
							</Text>
						) : row.warn ? (
							<Text color={tone('yellow')}>{row.text}</Text>
						) : (
							<Text dimColor>{row.text}</Text>
						)}
					</Text>
				));
			})}
			{more ? <Text dimColor>{more}</Text> : null}
			{refusedRows.map(line => (
				<Text key={line} color={tone('yellow')}>
					{line}
				</Text>
			))}
		</Box>
	);
}
