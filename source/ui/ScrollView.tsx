
import {Box, Text} from 'ink';
import {useKeys} from './use-keys.js';
import {useRefState} from './use-ref-state.js';

export type ScrollLine = {text: string; heading?: boolean; dim?: boolean};

/** A fixed-height window on many lines, moved with PgUp/PgDn; long lines are cut, never wrapped, so the height holds. */
export function ScrollView({lines, height, isActive = true}: {lines: ScrollLine[]; height: number; isActive?: boolean}) {
	const visible = Math.max(1, lines.length > height ? height - 1 : height);
	const maxOffset = Math.max(0, lines.length - visible);
	const [offset, setOffset, offsetRef] = useRefState(0);

	useKeys((_input, key) => {
		if (key.pageDown) setOffset(Math.min(maxOffset, offsetRef.current + visible));
		else if (key.pageUp) setOffset(Math.max(0, offsetRef.current - visible));
	}, isActive);

	const shown = lines.slice(offset, offset + visible);
	const below = lines.length - offset - shown.length;
	return (
		<Box flexDirection="column">
			{shown.map((line, i) => (
				<Text key={String(offset + i)} bold={line.heading} dimColor={line.dim} wrap="truncate-end">
					{line.text}
				</Text>
			))}
			{lines.length > height ? (
				<Text dimColor>
					{offset > 0 ? `↑ ${offset} more above  ` : ''}
					{below > 0 ? `↓ ${below} more below  ` : ''}(PgUp/PgDn)
				</Text>
			) : null}
		</Box>
	);
}
