import {Box, Text} from 'ink';
import {wrapCommand} from '../exec/wrap-command.js';
import type {CertificateView, SummaryView} from '../wizard/types.js';
import {formatDay} from './format-time.js';
import {renewDaysBefore} from './renewal-window.js';
import {ScrollView, type ScrollLine} from './ScrollView.js';
import {useKeys} from './use-keys.js';
import {useTone} from './theme.js';
import {wrapText} from './wrap-text.js';

/** `width` and `height`: the columns and rows the screen may fill; what does not fit scrolls. */
type Props = {summary: SummaryView; width: number; height: number; onExit(): void};

/** 64 hex digits fit an 80-column line; the colon-separated form (95 characters) does not. */
function compactFingerprint(fingerprint: string): string {
	return fingerprint.replaceAll(':', '').toLowerCase();
}

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

/** The file, subject and expiry on one line where they fit; else the expiry on a line of its own, never cut. */
function certificateLines(cert: CertificateView, width: number): ScrollLine[] {
	const named = `  ${cert.file}  ${cert.subject}`;
	const expires = `expires ${formatDay(cert.notAfter)}`;
	const header = `${named}  ${expires}`.length <= width ? [`${named}  ${expires}`] : [...wrapText(named, width, '  ', '      '), `    ${expires}`];
	const hex = compactFingerprint(cert.fingerprint);
	const label = '    SHA-256 ';
	// A narrow screen splits the fingerprint in two halves, one under the other, so each stays easy to compare.
	const half = Math.ceil(hex.length / 2);
	const fingerprint =
		label.length + hex.length <= width
			? [label + hex]
			: label.length + half <= width
				? [label + hex.slice(0, half), ' '.repeat(label.length) + hex.slice(half)]
				: wrapText(hex, width, label, ' '.repeat(label.length));
	return [...header.map(text => ({text})), ...fingerprint.map(text => ({text, dim: true}))];
}

function summaryLines(summary: SummaryView, width: number): ScrollLine[] {
	const lines: ScrollLine[] = summary.certificates.flatMap(cert => certificateLines(cert, width));

	if (summary.proved.length > 0) {
		lines.push({text: ' '}, {text: 'Proved by a mutual-TLS handshake on 127.0.0.1', heading: true});
		for (const line of summary.proved) lines.push(...wrapText(line, width, '  ✔ ', '    ').map(text => ({text})));
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

/** Certificates with expiry and fingerprint, what the handshake proved, what changed where, what a person still has to do. */
export function SummaryScreen({summary, width, height, onExit}: Props) {
	const tone = useTone();
	useKeys((input, key) => {
		if (key.return || key.escape || input === 'q') onExit();
	});

	// The directory is wrapped, not cut: it is where the user goes next.
	const title = wrapText(`✔ Done. Certificates are in ${summary.outDir}`, width, '', '  ');
	const footer = wrapText(`Session ${summary.sessionId}. Press Enter to exit.`, width);
	return (
		<Box flexDirection="column">
			{title.map((line, i) => (
				<Text key={String(i)} color={tone('green')} bold>
					{line}
				</Text>
			))}
			<ScrollView lines={summaryLines(summary, width)} width={width} height={Math.max(2, height - title.length - footer.length)} />
			{footer.map((line, i) => (
				<Text key={String(i)} dimColor>
					{line}
				</Text>
			))}
		</Box>
	);
}
