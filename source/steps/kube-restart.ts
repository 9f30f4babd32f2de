import {setTimeout as delay} from 'node:timers/promises';
import {assertCommandOk} from '../exec/run-command.js';
import type {KubeRestartStep} from '../plan/types.js';
import {kubectlTarget} from './kube-flags.js';
import type {StepRunner} from './types.js';

/*
 * A pod reads its mounted secret when it starts, and a kubelet's refresh of a mounted secret is not a restart: a
 * TLS server keeps the certificate it loaded. `rollout restart` replaces the pods the way a changed template does,
 * one by one, so the workload stays up; `rollout status` waits until every new pod is ready.
 */
function selection(step: KubeRestartStep): string[] {
	return [step.resource, ...(step.selector ? ['-l', step.selector] : [])];
}

/*
 * kubectl stamps a restart with the time to the second (the restartedAt annotation) and refuses a second restart in
 * the same second as an empty patch (kubectl pkg/cmd/rollout/rollout_restart.go). A rotation restarts a release once
 * a phase, and on a fast cluster two phases can fall in one second: the restart is tried again in the next one.
 */
const sameSecond = /restart has already been triggered within the past second/;
const triesInNextSeconds = 3;

export const kubeRestartRunner: StepRunner<KubeRestartStep> = {
	kind: 'kube-restart',
	commands: step => [
		{file: 'kubectl', args: ['rollout', 'restart', ...selection(step), ...kubectlTarget(step)]},
		{
			file: 'kubectl',
			args: ['rollout', 'status', ...selection(step), ...kubectlTarget(step), `--timeout=${step.waitSeconds}s`],
			note: `Wait until the restarted ${step.selector ? `workloads labelled ${step.selector}` : step.resource} have rolled out.`,
		},
	],
	async run(step, context) {
		const [restart, status] = kubeRestartRunner.commands(step);
		let restarted = await context.run({...restart!, okExitCodes: [1]});
		for (let tries = 0; tries < triesInNextSeconds && restarted.exitCode !== 0 && sameSecond.test(restarted.stderr); tries++) {
			context.output({line: 'kubectl refuses a second restart in the same second: trying again in the next one', stream: 'info'});
			await delay(1000 - (Date.now() % 1000) + 20, undefined, {signal: context.signal});
			restarted = await context.run({...restart!, okExitCodes: [1]});
		}

		assertCommandOk(restart!, restarted);
		await context.run(status!);
		const names = restarted.stdout.split('\n').map(line => line.replace(/ restarted$/, '').trim()).filter(Boolean);
		return {detail: `restarted and rolled out: ${names.length > 0 ? names.join(', ') : step.resource}`};
	},
};
