import type {DeploymentView} from '../wizard/types.js';
import {formatDay} from './format-time.js';
import {renewDaysBefore} from './renewal-window.js';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** Past its first expiry, within the renewal window, or without a certificate that can be read. */
const needsAttention = (deployment: DeploymentView) => !deployment.firstExpiry || deployment.firstExpiry.daysLeft < renewDaysBefore;

/** When the deployment's first certificate runs out, marked when that is past or within the renewal window. */
export function expiryLine(deployment: DeploymentView): {text: string; warn: boolean} {
	const expiry = deployment.firstExpiry;
	if (!expiry) return {text: `expiry unknown: ${deployment.expiryProblem ?? 'no certificate can be read'}`, warn: true};
	const day = formatDay(expiry.notAfter);
	if (expiry.daysLeft < 0) return {text: `EXPIRED: ${expiry.file} expired on ${day}, ${plural(-expiry.daysLeft, 'day')} ago`, warn: true};
	if (expiry.daysLeft < renewDaysBefore) return {text: `RENEW NOW: ${expiry.file} expires on ${day}, in ${plural(expiry.daysLeft, 'day')}`, warn: true};
	return {text: `${expiry.file} expires first, on ${day}: ${plural(expiry.daysLeft, 'day')} left`, warn: false};
}

/**
 * The first screen's entry: named for what the deployments' actions do ("Renew a deployment", "Renew or rotate a
 * deployment" once rotating is one of them), and how many need attention.
 */
export function deploymentsEntry(deployments: DeploymentView[]): {label: string; description: string} {
	const verbs = [...new Set(deployments.flatMap(deployment => deployment.actions.map(action => action.verb)))];
	const words = verbs.join(' or ');
	const due = deployments.filter(deployment => needsAttention(deployment)).length;
	return {
		label: `${words.charAt(0).toUpperCase()}${words.slice(1)} a deployment`,
		description: `${plural(deployments.length, 'finished deployment')}${due > 0 ? `, ${due} expired or due within ${renewDaysBefore} days` : ''}`,
	};
}
