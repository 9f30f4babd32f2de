import {useState} from 'react';
import {Box, Text} from 'ink';
import type {DeploymentActionView, DeploymentView} from '../wizard/types.js';
import {expiryLine} from './deployment-expiry.js';
import {formatAge} from './format-time.js';
import {SelectList, type SelectItem} from './SelectList.js';
import {useTone} from './theme.js';

type Props = {
	/** Newest first. */
	deployments: DeploymentView[];
	now: Date;
	/** The rows and columns the screen may fill: a long list shows a window around the pointer. */
	width: number;
	height: number;
	/** Coming back from its questions or its review: the screen opens on this deployment's actions. */
	reopen?: DeploymentView;
	onChoose(deployment: DeploymentView, action: DeploymentActionView): void;
	onBack(): void;
	onQuit(): void;
};

const named = (deployment: DeploymentView) => `${deployment.recipeTitle} on ${deployment.target}`;

/** The finished deployments with their first expiry; choosing one lists what can be done to it. */
export function DeploymentsScreen({deployments, now, width, height, reopen, onChoose, onBack, onQuit}: Props) {
	const tone = useTone();
	const [chosen, setChosen] = useState<DeploymentView | undefined>(reopen);
	const [last, setLast] = useState<string | undefined>(reopen?.id);

	if (chosen) {
		const expiry = expiryLine(chosen);
		return (
			<Box flexDirection="column">
				<Text bold>What should be done with {named(chosen)}?</Text>
				<Text color={expiry.warn ? tone('yellow') : undefined} dimColor={!expiry.warn}>
					{expiry.text}
				</Text>
				<SelectList<DeploymentActionView>
					key="actions"
					items={chosen.actions.map(action => ({value: action, label: action.label, description: action.description, ...(action.unavailable === undefined ? {} : {unavailable: action.unavailable})}))}
					onSelect={action => onChoose(chosen, action)}
					onBack={() => setChosen(undefined)}
					onQuit={onQuit}
				/>
			</Box>
		);
	}

	const items = deployments.map((deployment): SelectItem<DeploymentView> => ({
		value: deployment,
		label: named(deployment),
		description: `deployed ${formatAge(deployment.deployedAt, now)}`,
		detail: expiryLine(deployment),
	}));
	return (
		<Box flexDirection="column">
			<Text bold>{deployments.length === 1 ? 'One finished deployment:' : `${deployments.length} finished deployments, newest first:`}</Text>
			<SelectList<DeploymentView>
				key="deployments"
				items={items}
				width={width}
				height={height - 1}
				initialIndex={Math.max(0, deployments.findIndex(deployment => deployment.id === last))}
				onSelect={deployment => {
					setLast(deployment.id);
					setChosen(deployment);
				}}
				onBack={onBack}
				onQuit={onQuit}
			/>
		</Box>
	);
}
