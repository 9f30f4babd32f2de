
import {useState} from 'react';
import {Box, Text} from 'ink';
import {useKeys} from './use-keys.js';
import {useRefState} from './use-ref-state.js';
import {useTone} from './theme.js';

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
};

/** The pointer starts on the asked item, or on the first item that can be picked when that one cannot. */
function startIndex<T>(items: Array<SelectItem<T>>, initialIndex: number): number {
	const asked = Math.min(initialIndex, Math.max(items.length - 1, 0));
	if (!items[asked]?.unavailable) return asked;
	const available = items.findIndex(item => !item.unavailable);
	return available === -1 ? asked : available;
}

/** A vertical list: arrows or j/k move, Enter picks, Esc goes back, q quits. Unavailable items say why. */
export function SelectList<T>({items, onSelect, onBack, onQuit, isActive = true, initialIndex = 0}: Props<T>) {
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

	return (
		<Box flexDirection="column">
			{items.map((item, i) => {
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
						<Box paddingLeft={4}>
							<Text color={item.detail.warn ? tone('yellow') : undefined} dimColor={!item.detail.warn}>
								{item.detail.text}
							</Text>
						</Box>
					</Box>
				);
			})}
			{refused ? <Text color={tone('yellow')}>{refused}</Text> : null}
		</Box>
	);
}
