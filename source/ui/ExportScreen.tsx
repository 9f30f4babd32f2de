import {useState} from 'react';
import {Box, Text} from 'ink';
import type {ExportView} from '../wizard/types.js';
import {KeyHints} from './KeyHints.js';
import {TextField} from './TextField.js';
import {useKeys} from './use-keys.js';
import {useTone} from './theme.js';

type Props = {
	defaultDir: string;
	exportBundle(dir: string): Promise<ExportView>;
	onBack(): void;
	onDone(): void;
};

type Phase = {name: 'ask'} | {name: 'writing'} | {name: 'done'; result: ExportView} | {name: 'failed'; message: string};

/** Asks where the bundle goes, writes it through the controller, lists what was written. */
export function ExportScreen({defaultDir, exportBundle, onBack, onDone}: Props) {
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
				setPhase({name: 'done', result});
			},
			(error: unknown) => {
				setPhase({name: 'failed', message: error instanceof Error ? error.message : String(error)});
			},
		);
	};

	if (phase.name === 'done') {
		return (
			<Box flexDirection="column">
				<Text color={tone('green')} bold>
					✔ Bundle written to {phase.result.dir} ({phase.result.files.length} files)
				</Text>
				{phase.result.files.slice(0, 12).map(file => (
					<Text key={file} wrap="truncate-end">
						{'  '}
						{file}
					</Text>
				))}
				{phase.result.files.length > 12 ? <Text dimColor> … and {phase.result.files.length - 12} more</Text> : null}
				<Text dimColor>Run apply.sh from that directory where the tools are.</Text>
				<KeyHints screen="export-done" />
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
			<KeyHints screen={`export-${phase.name}`} />
		</Box>
	);
}
