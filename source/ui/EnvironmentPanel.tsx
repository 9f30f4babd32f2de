
import {Box} from 'ink';
import type {EnvironmentReport} from '../wizard/types.js';
import {ProbeLine} from './ProbeLine.js';

/** Two lines: the tools, then what they can reach. Probes fill in as they answer. */
export function EnvironmentPanel({report}: {report: EnvironmentReport}) {
	return (
		<Box flexDirection="column">
			<Box columnGap={2}>
				<ProbeLine name="kubectl" probe={report.kubectl} />
				<ProbeLine name="helm" probe={report.helm} />
				<ProbeLine name="docker" probe={report.docker} />
			</Box>
			<Box columnGap={2}>
				<ProbeLine name="context" probe={report.kubeContext} />
				<ProbeLine name="engine" probe={report.dockerEngine} />
				<ProbeLine name="swarm" probe={report.dockerSwarm} />
			</Box>
		</Box>
	);
}
