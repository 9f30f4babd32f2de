
import {Box} from 'ink';
import type {EnvironmentReport, Probe} from '../wizard/types.js';
import {ProbeLine, probeText} from './ProbeLine.js';
import {wrapText} from './wrap-text.js';

type Cell = {name: string; probe: Probe};

const gap = 2;

function cells(report: EnvironmentReport): {tools: Cell[]; reach: Cell[]} {
	return {
		tools: [
			{name: 'kubectl', probe: report.kubectl},
			{name: 'helm', probe: report.helm},
			{name: 'docker', probe: report.docker},
		],
		reach: [
			{name: 'context', probe: report.kubeContext},
			{name: 'engine', probe: report.dockerEngine},
			{name: 'swarm', probe: report.dockerSwarm},
		],
	};
}

const cellWidth = (cell: Cell) => probeText(cell.name, cell.probe).length;
const rowWidth = (row: Cell[]) => row.reduce((sum, cell) => sum + cellWidth(cell), 0) + gap * Math.max(0, row.length - 1);

/**
 * Two lines where they fit: the tools, then what they can reach. A narrower screen fills each line with as many
 * probes as fit; a probe wider than the screen wraps on its own line. Nothing is cut.
 */
function layout(report: EnvironmentReport, width: number): Cell[][] {
	const {tools, reach} = cells(report);
	if (rowWidth(tools) <= width && rowWidth(reach) <= width) return [tools, reach];
	const rows: Cell[][] = [];
	for (const cell of [...tools, ...reach]) {
		const last = rows.at(-1);
		if (last && rowWidth([...last, cell]) <= width) last.push(cell);
		else rows.push([cell]);
	}

	return rows;
}

/** How many rows the panel takes at this width, so screens below it know the room left. */
export function environmentRows(report: EnvironmentReport, width: number): number {
	return layout(report, width).reduce((sum, row) => sum + (row.length === 1 ? wrapText(probeText(row[0]!.name, row[0]!.probe), width).length : 1), 0);
}

/** The tools and what they can reach. Probes fill in as they answer. */
export function EnvironmentPanel({report, width}: {report: EnvironmentReport; width: number}) {
	return (
		<Box flexDirection="column">
			{layout(report, width).map(row => (
				<Box key={row[0]!.name} columnGap={gap}>
					{row.map(cell => (
						<ProbeLine key={cell.name} name={cell.name} probe={cell.probe} wrap={row.length === 1} />
					))}
				</Box>
			))}
		</Box>
	);
}
