
import {Text} from 'ink';
import Spinner from 'ink-spinner';
import type {Probe} from '../wizard/types.js';
import {useTone} from './theme.js';

/** The line as text, for laying probes out by width: the mark, the name and what the probe found. */
export function probeText(name: string, probe: Probe): string {
	return probe.state === 'checking' ? `| ${name}` : `${probe.state === 'ok' ? '✔' : '✘'} ${name} ${probe.text}`;
}

export function ProbeLine({name, probe, wrap = false}: {name: string; probe: Probe; wrap?: boolean}) {
	const tone = useTone();
	if (probe.state === 'checking') {
		// An ASCII spinner: this is the first frame, and Ink's first measurement of a dingbat or braille character
		// costs about 20 ms (string-width's slow path), a tenth of the start-up budget over a bare Ink program.
		return (
			<Text>
				<Text color={tone('gray')}>
					<Spinner type="line" />
				</Text>{' '}
				{name}
			</Text>
		);
	}

	const ok = probe.state === 'ok';
	return (
		<Text wrap={wrap ? 'wrap' : 'truncate-end'}>
			<Text color={tone(ok ? 'green' : 'yellow')}>{ok ? '✔' : '✘'}</Text> {name} <Text dimColor>{probe.text}</Text>
		</Text>
	);
}
