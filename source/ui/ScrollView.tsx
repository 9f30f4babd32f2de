
import {Box, Text} from 'ink';
import {useKeys} from './use-keys.js';
import {useRefState} from './use-ref-state.js';
import {wrapIndented} from './wrap-text.js';

export type ScrollLine = {text: string; heading?: boolean; dim?: boolean};

/** A line wider than the view continues on the next rows, under its own indentation plus two. */
function fitted(lines: ScrollLine[], width: number | undefined): ScrollLine[] {
	if (width === undefined) return lines;
	return lines.flatMap(line => wrapIndented(line.text, width).map(text => ({...line, text})));
}

/**
 * A fixed-height window on many lines, moved with PgUp/PgDn. Given a width, a long line is wrapped before the
 * window is cut from the lines, so nothing is cut and the height holds; without one, long lines are cut.
 */
export function ScrollView({lines: given, height, width, isActive = true}: {lines: ScrollLine[]; height: number; width?: number; isActive?: boolean}) {
	const lines = fitted(given, width);
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
				<Text dimColor wrap="truncate-end">
					{offset > 0 ? `↑ ${offset} more above  ` : ''}
					{below > 0 ? `↓ ${below} more below  ` : ''}(PgUp/PgDn)
				</Text>
			) : null}
		</Box>
	);
}
