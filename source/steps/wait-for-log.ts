import {setTimeout as delay} from 'node:timers/promises';
import {InterruptedError, NotConfirmedError, StepFailedError} from '../errors.js';
import {streamLines} from '../exec/stream-lines.js';
import type {CommandSpec, OutputLine} from '../exec/types.js';
import type {LogSource, WaitForLogStep} from '../plan/types.js';
import {kubectlTarget} from './kube-flags.js';
import {compileLogChecks, judgeLine, stripAnsi, type LineVerdict} from './log-checks.js';
import {pendingPodReason} from './pending-pod-reason.js';
import type {StepContext, StepOutcome, StepRunner} from './types.js';
import {waitDeadline} from './wait-deadline.js';

/** How many log lines a timeout or failure report shows. */
const keptLines = 15;

/** Pause between `kubectl logs -f` attempts while the pod does not exist yet or its container has not started. */
const retryDelayMs = 1000;

/** kubectl's answers while a pod is being created, pending or not there yet: try again until the timeout. */
const notStartedYet = /waiting to start|not found|ContainerCreating|PodInitializing|is pending|timed out waiting for the condition|no pods? found|waiting for pod/i;

/**
 * since: only lines from then on (docker service logs --since), for a step with newLinesOnly; a service updated in
 * place keeps the tasks it replaced, and their lines would confirm what the new tasks never said.
 */
export function logCommand(source: LogSource, since?: string): CommandSpec {
	switch (source.kind) {
		case 'docker-container': {
			return {file: 'docker', args: ['logs', '-f', source.container], note: 'Follow the container log until the mutual-TLS startup line appears.'};
		}

		case 'docker-service': {
			return {file: 'docker', args: ['service', 'logs', '-f', ...(since === undefined ? [] : ['--since', since]), source.service], note: 'Follow the service log until the mutual-TLS startup line appears.'};
		}

		case 'kubectl': {
			return {
				file: 'kubectl',
				args: [
					...kubectlTarget(source),
					'logs',
					'-f',
					source.resource,
					...(source.container ? ['-c', source.container] : []),
				],
				note: 'Follow the workload log until the mutual-TLS startup line appears.',
			};
		}
	}
}

function describeSource(source: LogSource): string {
	switch (source.kind) {
		case 'docker-container': {
			return `container ${source.container}`;
		}

		case 'docker-service': {
			return `service ${source.service}`;
		}

		case 'kubectl': {
			return `${source.namespace}/${source.resource}${source.container ? ` (container ${source.container})` : ''}`;
		}
	}
}

type Attempt = {verdict: LineVerdict; decidingLine?: string; exitCode: number | undefined; lines: string[]};

/** The last transient failure line seen, and its hint: the likely cause if the confirmation never comes. */
type LastTransient = {line?: string; hint?: string};

/**
 * Follows the log, hands every line (colour codes stripped) to the renderer and stops the follower at the
 * first line that decides the step. Streaming, never polling: a line is judged the moment it arrives.
 */
async function follow(command: CommandSpec, context: StepContext, signal: AbortSignal, step: WaitForLogStep, recent: string[], transient: LastTransient): Promise<Attempt> {
	const checks = compileLogChecks(step);
	const lines: string[] = [];
	let verdict: LineVerdict;
	let decidingLine: string | undefined;
	const stream = streamLines(command, {
		env: context.env,
		signal,
		onLine(line: OutputLine) {
			const plain = stripAnsi(line.line);
			lines.push(plain);
			recent.push(plain);
			if (recent.length > keptLines) recent.shift();
			context.output({line: plain, stream: line.stream});
			if (verdict) return;
			const judged = judgeLine(plain, checks);
			if (judged?.verdict === 'transient') {
				transient.line = plain;
				transient.hint = judged.pattern.hint;
				return;
			}

			verdict = judged;
			if (!verdict) return;
			decidingLine = plain;
			stream.stop();
		},
	});
	const end = await stream.done;
	return {verdict, ...(decidingLine === undefined ? {} : {decidingLine}), exitCode: end.exitCode, lines};
}

export async function waitForLog(step: WaitForLogStep, context: StepContext): Promise<StepOutcome> {
	const command = logCommand(step.source, step.newLinesOnly ? new Date().toISOString() : undefined);
	const what = step.success.map(pattern => pattern.description).join(' or ');
	context.waitingFor(`${describeSource(step.source)} to log: ${what}`, step.timeoutSeconds);

	const timeout = waitDeadline(context, step.timeoutSeconds);
	const signal = AbortSignal.any([context.signal, timeout]);
	const recent: string[] = [];
	const transient: LastTransient = {};
	let notStarted = false;

	for (;;) {
		const attempt = await follow(command, context, signal, step, recent, transient);
		if (attempt.verdict?.verdict === 'success') return {detail: `confirmed: ${attempt.verdict.pattern.description}`};
		if (attempt.verdict?.verdict === 'failure') {
			throw new StepFailedError(
				`${describeSource(step.source)} logged a failure: ${attempt.decidingLine ?? ''}`,
				step.id,
				attempt.verdict.pattern.hint,
			);
		}

		const saysNotStarted = step.source.kind === 'kubectl' && attempt.lines.some(line => notStartedYet.test(line));
		if (context.signal.aborted) throw new InterruptedError();
		if (timeout.aborted) {
			// An attempt the timeout cut short may already have said that the pod is not started.
			notStarted ||= saysNotStarted;
			break;
		}

		notStarted = saysNotStarted;
		if (attempt.exitCode !== 0 && !notStarted) {
			throw new StepFailedError(
				`cannot follow the log of ${describeSource(step.source)}: ${command.file} exited with code ${attempt.exitCode}`,
				step.id,
				'The last lines above say why; check that the deployment step created it and that the tool reaches the engine or cluster.',
			);
		}

		if (step.source.kind !== 'kubectl') {
			throw new NotConfirmedError(
				`${describeSource(step.source)} stopped before logging: ${what}`,
				[...recent],
				step.timeoutHints.join('\n') || undefined,
			);
		}

		// kubectl: the pod is not there or not started yet, or its container restarted: follow it again.
		try {
			await delay(retryDelayMs, undefined, {signal});
		} catch {
			if (context.signal.aborted) throw new InterruptedError();
			break;
		}
	}

	const hints = [...step.timeoutHints];
	if (transient.line) hints.unshift(`Last error logged: ${transient.line}\n${transient.hint ?? ''}`.trim());
	if (step.source.kind === 'kubectl') {
		// kubectl waits silently for a pending pod of a deployment, so "never started" also covers "printed nothing".
		const neverStarted = notStarted || recent.length === 0;
		const reason = await pendingPodReason(step.source, step.source.resource, {env: context.env, signal: context.signal});
		if (reason) hints.unshift(neverStarted ? `The pod never started: ${reason}` : `Kubernetes reports: ${reason}`);
		else if (neverStarted) hints.unshift(`The pod never started; see: kubectl -n ${step.source.namespace} describe ${step.source.resource}`);
	}

	throw new NotConfirmedError(
		`no confirmation from ${describeSource(step.source)} within ${step.timeoutSeconds}s (expected: ${what})`,
		[...recent],
		hints.join('\n') || undefined,
	);
}

export const waitForLogRunner: StepRunner<WaitForLogStep> = {
	kind: 'wait-for-log',
	commands: step => [logCommand(step.source, step.newLinesOnly ? '<the time this step starts>' : undefined)],
	run: waitForLog,
};
