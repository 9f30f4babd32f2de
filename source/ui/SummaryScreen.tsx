import {Box, Text} from 'ink';
import {wrapCommand} from '../exec/wrap-command.js';
import type {SummaryView} from '../wizard/types.js';
import {formatDay} from './format-time.js';
import {ScrollView, type ScrollLine} from './ScrollView.js';
import {useKeys} from './use-keys.js';
import {useTone} from './theme.js';
import {wrapText} from './wrap-text.js';

type Props = {summary: SummaryView; width: number; height: number; onExit(): void};

/** 64 hex digits fit an 80-column line; the colon-separated form (95 characters) does not. */
function compactFingerprint(fingerprint: string): string {
	return fingerprint.replaceAll(':', '').toLowerCase();
}

/** Days before the first expiry that a renewal is due: status's default --warn-days. */
const renewDaysBefore = 30;

/** When to renew, and the commands that renew and that tell cron or CI it is time. */
function renewalLines(summary: SummaryView, width: number): ScrollLine[] {
	const [first] = [...summary.certificates].sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime());
	if (!first) return [];
	const renewBy = new Date(first.notAfter.getTime() - renewDaysBefore * 86_400_000);
	return [
		{text: ' '},
		{text: 'Renewal', heading: true},
		...wrapText(`Renew by ${formatDay(renewBy)}, ${renewDaysBefore} days before ${first.file} expires: mtls-wizard renew ${summary.sessionId}`, width, '  ').map(text => ({text})),
		...wrapText(`mtls-wizard status ${summary.sessionId} exits 1 from then on (for cron or CI).`, width, '  ').map(text => ({text, dim: true})),
	];
}

function summaryLines(summary: SummaryView, width: number): ScrollLine[] {
	const lines: ScrollLine[] = [];
	for (const cert of summary.certificates) {
		lines.push({text: `  ${cert.file}  ${cert.subject}  expires ${formatDay(cert.notAfter)}`}, {text: `    SHA-256 ${compactFingerprint(cert.fingerprint)}`, dim: true});
	}

	lines.push(...renewalLines(summary, width));
	if (summary.deployed.length > 0) {
		lines.push({text: ' '}, {text: 'Deployed', heading: true});
		for (const line of summary.deployed) lines.push(...wrapText(line, width, '  ').map(text => ({text})));
	}

	if (summary.manualSteps.length > 0) {
		lines.push({text: ' '}, {text: 'Left for you to do', heading: true});
		for (const [index, step] of summary.manualSteps.entries()) {
			for (const [part, instruction] of step.entries()) {
				lines.push(...wrapText(instruction, width, part === 0 ? `  ${index + 1}. ` : '     ', '     ').map(text => ({text})));
			}
		}
	}

	lines.push({text: ' '}, {text: 'The same run without the wizard', heading: true});
	if (summary.headless.note) lines.push(...wrapText(summary.headless.note, width, '  ').map(text => ({text})));
	lines.push(...wrapCommand(summary.headless.command, width, '  $ ', '      ').map(text => ({text})));
	return lines;
}

/** Certificates with expiry and fingerprint, what changed where, and what a person still has to do. */
export function SummaryScreen({summary, width, height, onExit}: Props) {
	const tone = useTone();
	useKeys((input, key) => {
		if (key.return || key.escape || input === 'q') onExit();
	});

	return (
		<Box flexDirection="column">
			<Text color={tone('green')} bold wrap="truncate-middle">
				✔ Done. Certificates are in {summary.outDir}
			</Text>
			<ScrollView lines={summaryLines(summary, width)} height={height} />
			<Text dimColor>Session {summary.sessionId}. Press Enter to exit.</Text>
		</Box>
	);
}
