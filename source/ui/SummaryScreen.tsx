
import {Box, Text} from 'ink';
import type {SummaryView} from '../wizard/types.js';
import {formatDay} from './format-time.js';
import {useKeys} from './use-keys.js';
import {useTone} from './theme.js';

type Props = {summary: SummaryView; onExit(): void};

/** 64 hex digits fit an 80-column line; the colon-separated form (95 characters) does not. */
function compactFingerprint(fingerprint: string): string {
	return fingerprint.replaceAll(':', '').toLowerCase();
}

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
						{'    '}SHA-256 {compactFingerprint(cert.fingerprint)}
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
						<Box key={String(i)}>
							<Box width={5} flexShrink={0}>
								<Text>{`  ${i + 1}.`}</Text>
							</Box>
							<Box flexDirection="column">
								{step.map((line, j) => (
									<Text key={String(j)} wrap="wrap">
										{line}
									</Text>
								))}
							</Box>
						</Box>
					))}
				</Box>
			) : null}
			<Text dimColor>Session {summary.sessionId}. Press Enter to exit.</Text>
		</Box>
	);
}
