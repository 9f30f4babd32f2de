
import {Box, Text} from 'ink';
import {wrapText} from './wrap-text.js';

const move = '↑↓/jk move · Enter choose';

const hints: Record<string, string> = {
	loading: 'Ctrl-C quit',
	resume: `${move} · q quit`,
	'resume-secrets': 'Enter accept · Esc back · Ctrl-C quit',
	recipe: `${move} · q quit`,
	target: `${move} · Esc back · q quit`,
	questions: 'Enter accept · Esc back · Ctrl-C quit',
	review: `${move} · PgUp/PgDn scroll · Esc back · q save and quit`,
	// The export screen shows its own, since what works there changes once the bundle is written.
	'export-ask': 'Enter write · Esc back · Ctrl-C quit',
	'export-writing': 'Ctrl-C quit',
	'export-failed': 'Enter or Esc try again · Ctrl-C quit',
	'export-done': 'Enter, q or Esc exit',
	run: 'q or Ctrl-C: stop and save (resume later)',
	'run-finished': `${move} · q quit (session saved)`,
	summary: 'Enter exit',
	error: 'Enter or Esc back · q quit',
};

/** The rows the hints take under a screen at this width (their gap included), 0 when the screen has none. */
export function keyHintRows(screen: string, width: number): number {
	const hint = hints[screen];
	return hint ? 1 + wrapText(hint, width).length : 0;
}

export function KeyHints({screen, width}: {screen: string; width: number}) {
	const hint = hints[screen];
	if (!hint) return null;
	return (
		<Box marginTop={1} flexDirection="column">
			{wrapText(hint, width).map(line => (
				<Text key={line} dimColor>
					{line}
				</Text>
			))}
		</Box>
	);
}
