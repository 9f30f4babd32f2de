
import {Box, Text} from 'ink';
import {useKeys} from './use-keys.js';
import {useTone} from './theme.js';

/** A problem the wizard cannot go on from (a recipe that does not load, a plan that cannot be built). */
export function ErrorScreen({message, onBack, onQuit}: {message: string; onBack(): void; onQuit(): void}) {
	const tone = useTone();
	useKeys((input, key) => {
		if (key.escape || key.return) onBack();
		else if (input === 'q') onQuit();
	});
	return (
		<Box flexDirection="column">
			<Text color={tone('red')} wrap="wrap">
				✘ {message}
			</Text>
		</Box>
	);
}
