
import {Text} from 'ink';
import Spinner from 'ink-spinner';
import type {Probe} from '../wizard/types.js';
import {useTone} from './theme.js';

export function ProbeLine({name, probe}: {name: string; probe: Probe}) {
	const tone = useTone();
	if (probe.state === 'checking') {
		return (
			<Text>
				<Text color={tone('gray')}>
					<Spinner type="dots" />
				</Text>{' '}
				{name}
			</Text>
		);
	}

	const ok = probe.state === 'ok';
	return (
		<Text>
			<Text color={tone(ok ? 'green' : 'yellow')}>{ok ? '✔' : '✘'}</Text> {name} <Text dimColor>{probe.text}</Text>
		</Text>
	);
}
