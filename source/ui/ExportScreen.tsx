import {useState} from 'react';
import {Box, Text} from 'ink';
import type {ExportView} from '../wizard/types.js';
import {KeyHints, keyHintRows} from './KeyHints.js';
import {TextField} from './TextField.js';
import {useKeys} from './use-keys.js';
import {useTone} from './theme.js';
import {wrapPath, wrapText} from './wrap-text.js';

type Props = {
	defaultDir: string;
	exportBundle(dir: string): Promise<ExportView>;
	onBack(): void;
	/** The bundle is on disk: from here the wizard has done its job, however it is left. */
	onWritten(): void;
	onDone(): void;
	/** The columns and rows the screen may fill; the list of written files gives way to fit. */
	width?: number;
	height?: number;
};

type Phase = {name: 'ask'} | {name: 'writing'} | {name: 'done'; result: ExportView} | {name: 'failed'; message: string};

/** Asks where the bundle goes, writes it through the controller, lists what was written. */
export function ExportScreen({defaultDir, exportBundle, onBack, onWritten, onDone, width = 79, height = 19}: Props) {
	const tone = useTone();
	const [phase, setPhase] = useState<Phase>({name: 'ask'});

	useKeys((input, key) => {
		if (phase.name === 'ask' && key.escape) onBack();
		else if (phase.name === 'done' && (key.return || input === 'q' || key.escape)) onDone();
		else if (phase.name === 'failed' && (key.return || key.escape)) setPhase({name: 'ask'});
	});

	const submit = (value: string) => {
		if (phase.name === 'writing') return;
		setPhase({name: 'writing'});
		exportBundle(value || defaultDir).then(
			result => {
				onWritten();
				setPhase({name: 'done', result});
			},
			(error: unknown) => {
				setPhase({name: 'failed', message: error instanceof Error ? error.message : String(error)});
			},
		);
	};

	if (phase.name === 'done') {
		const {dir, files} = phase.result;
		// The directory is wrapped, not cut: it is where apply.sh is run from.
		const title = wrapText(`✔ Bundle written to ${dir} (${files.length} files)`, width, '', '  ');
		const note = wrapText('Run apply.sh from that directory where the tools are.', width);
		const room = Math.max(1, Math.min(12, height - title.length - note.length - keyHintRows('export-done', width)));
		// Paths wrap, never cut: as many files as fit whole, and a line saying how many more.
		const rows = files.map(file => wrapPath(file, width, '  ', '    '));
		let listed = 0;
		let used = 0;
		while (listed < files.length) {
			// Files stop a row early when more follow, for the line that counts them.
			const limit = listed === files.length - 1 ? room : room - 1;
			if (used + rows[listed]!.length > limit) break;
			used += rows[listed]!.length;
			listed++;
		}

		return (
			<Box flexDirection="column">
				{title.map(line => (
					<Text key={line} color={tone('green')} bold>
						{line}
					</Text>
				))}
				{rows.slice(0, listed).flatMap((fileRows, i) => fileRows.map((row, r) => <Text key={`${i}-${r}`}>{row}</Text>))}
				{files.length > listed ? <Text dimColor> … and {files.length - listed} more</Text> : null}
				{note.map(line => (
					<Text key={line} dimColor>
						{line}
					</Text>
				))}
				<KeyHints screen="export-done" width={width} />
			</Box>
		);
	}

	return (
		<Box flexDirection="column">
			<Text bold>Export the bundle: certificates, values files, manifests and apply.sh.</Text>
			<Text>Bundle directory (Enter for {defaultDir}):</Text>
			<Box>
				<Text color={tone('cyan')}>› </Text>
				<TextField placeholder={defaultDir} isActive={phase.name === 'ask'} onSubmit={submit} />
			</Box>
			{phase.name === 'writing' ? <Text dimColor>writing…</Text> : null}
			{phase.name === 'failed' ? (
				<Text color={tone('red')} wrap="wrap">
					✘ {phase.message}
				</Text>
			) : null}
			<KeyHints screen={`export-${phase.name}`} width={width} />
		</Box>
	);
}
