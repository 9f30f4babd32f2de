
import {Box, Text} from 'ink';
import type {SummaryView} from '../wizard/types.js';
import {formatDay} from './format-time.js';
import {useKeys} from './use-keys.js';
import {useTone} from './theme.js';

type Props = {summary: SummaryView; onExit(): void};

/** Certificates with expiry and fingerprint, what changed where, and what a person still has to do. */
export function SummaryScreen({summary, onExit}: Props) {
	const tone = useTone();
	useKeys((input, key) => {
		if (key.return || key.escape || input === 'q') onExit();
	});

	return (
		<Box flexDirection="column">
			<Text color={tone('green')} bold>
				✔ Done. Certificates are in {summary.outDir}
			</Text>
			{summary.certificates.map(cert => (
				<Box key={cert.file} flexDirection="column">
					<Text wrap="truncate-end">
						{'  '}
						{cert.file} <Text dimColor>{cert.subject}</Text> expires {formatDay(cert.notAfter)}
					</Text>
					<Text dimColor wrap="truncate-end">
						{'    '}SHA-256 {cert.fingerprint}
					</Text>
				</Box>
			))}
			{summary.deployed.length > 0 ? (
				<Box flexDirection="column" marginTop={1}>
					<Text bold>Deployed</Text>
					{summary.deployed.map((line, i) => (
						<Text key={String(i)} wrap="truncate-end">
							{'  '}
							{line}
						</Text>
					))}
				</Box>
			) : null}
			{summary.manualSteps.length > 0 ? (
				<Box flexDirection="column" marginTop={1}>
					<Text bold color={tone('yellow')}>
						Left for you to do
					</Text>
					{summary.manualSteps.map((step, i) => (
						<Box key={String(i)} flexDirection="column">
							{step.map((line, j) => (
								<Text key={String(j)} wrap="wrap">
									{j === 0 ? `  ${i + 1}. ` : '     '}
									{line}
								</Text>
							))}
						</Box>
					))}
				</Box>
			) : null}
			<Text dimColor>Session {summary.sessionId}. Press Enter to exit.</Text>
		</Box>
	);
}
