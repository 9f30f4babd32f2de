import type {EngineEvent} from '../engine-events.js';
import {exitCodes} from '../errors.js';
import {provedByHandshake} from '../pki/handshake-cases.js';
import type {Step} from '../plan/types.js';
import {formatDuration} from './format-duration.js';
import {formatProgress} from './format-progress.js';

const indent = '      ';

/** Lines after the first of a multi-line message stay under it instead of falling back to the margin. */
function continued(text: string): string {
	return text.split('\n').join(`\n${indent}  `);
}

function resumeHint(sessionId: string): string {
	return `mtls-wizard resume ${sessionId}`;
}

/** What a manual step reads (the engine's step-to-do): its instructions come once, at the end. */
const toDoByHand = 'to do by hand (listed at the end)';

/**
 * Plain text for terminals without the TUI and for CI logs: one line per step, its output indented under it,
 * and a summary that says what the handshake proved and what to do next. A step line is left open until the
 * step ends, so a quiet step reads "[3/7] id  Title ... done (0.4s)" on one line.
 */
export function createTextRenderer(write: (text: string) => void, steps: readonly Step[]): (event: EngineEvent) => void {
	const positions = new Map(steps.map((step, index) => [step.id, {index: index + 1, step}]));
	const total = steps.length;
	let openLine = false;
	let started = Date.now();
	let failedStep: string | undefined;
	// A CI log gets a progress line per tenth of the work, not the engine's ten a second.
	let shownTenth = -1;

	const closeLine = () => {
		if (openLine) write('\n');
		openLine = false;
	};

	const label = (stepId: string) => {
		const position = positions.get(stepId);
		return position ? `[${position.index}/${total}] ${stepId}  ${position.step.title}` : stepId;
	};

	const ending = (text: string) => {
		if (openLine) write(` ${text}\n`);
		else write(`${indent}${text}\n`);
		openLine = false;
	};

	return event => {
		switch (event.type) {
			case 'run-started': {
				started = Date.now();
				const resumed = event.resumedAt ? `, resuming at step ${event.resumedAt}` : '';
				write(`${event.recipe} → ${event.target}: ${event.total} steps (session ${event.sessionId}${resumed})\n`);
				break;
			}

			case 'step-skipped': {
				closeLine();
				write(`${label(event.stepId)} ... skipped (${event.reason})\n`);
				break;
			}

			case 'step-started': {
				closeLine();
				shownTenth = -1;
				write(`[${event.index}/${event.total}] ${event.stepId}  ${event.title} ...`);
				openLine = true;
				break;
			}

			case 'step-output': {
				closeLine();
				write(`${indent}${event.line}\n`);
				break;
			}

			case 'step-progress': {
				const tenth = Math.floor((event.done / Math.max(event.total, 1)) * 10);
				if (tenth === shownTenth) break;
				shownTenth = tenth;
				closeLine();
				write(`${indent}${formatProgress(event)}\n`);
				break;
			}

			case 'waiting-for': {
				closeLine();
				write(`${indent}waiting up to ${event.timeoutSeconds}s for: ${event.description}\n`);
				break;
			}

			case 'step-to-do': {
				// Reached now, the step's line is open; reached in an earlier run of the session, it gets its own line.
				if (openLine) ending(toDoByHand);
				else write(`${label(event.stepId)} ... ${toDoByHand}\n`);
				break;
			}

			case 'step-done': {
				ending(`done (${formatDuration(event.elapsedMs)})${event.detail ? `: ${event.detail}` : ''}`);
				break;
			}

			case 'step-failed': {
				failedStep = event.stepId;
				ending(event.exitCode === exitCodes.notConfirmed ? 'not confirmed' : 'failed');
				write(`${indent}error: ${continued(event.message)}\n`);
				if (event.hint) write(`${indent}hint: ${continued(event.hint)}\n`);
				if (event.command) write(`${indent}command: ${event.command}\n`);
				if (event.lastLines.length > 0) {
					write(`${indent}last lines:\n`);
					for (const line of event.lastLines) write(`${indent}  | ${line}\n`);
				}

				break;
			}

			case 'run-finished': {
				closeLine();
				const elapsed = formatDuration(Date.now() - started);
				const resume = resumeHint(event.sessionId);
				if (event.awaitingSignature) {
					write(`Stopped at ${event.awaitingSignature.stepId} for your PKI to sign; session ${event.sessionId} is saved, awaiting the signed certificates.\n`);
					for (const line of event.awaitingSignature.instructions) write(`${line}\n`);
				} else if (event.exitCode === exitCodes.ok) {
					write(`Done in ${elapsed} (session ${event.sessionId}).\n`);
					for (const step of steps) {
						if (step.kind !== 'verify-handshake') continue;
						write('Proved by a mutual-TLS handshake on 127.0.0.1:\n');
						for (const line of provedByHandshake(step.serverName)) write(`  ✔ ${line}\n`);
					}

					if (event.manualSteps.length > 0) {
						write('Still to do by hand:\n');
						for (const [index, instructions] of event.manualSteps.entries()) {
							for (const [lineIndex, line] of instructions.entries()) {
								write(`${lineIndex === 0 ? `  ${index + 1}. ` : '     '}${line}\n`);
							}
						}
					}
				} else if (event.exitCode === exitCodes.interrupted) {
					write(`Interrupted; progress is saved. Continue with: ${resume}\n`);
				} else if (event.exitCode === exitCodes.notConfirmed) {
					write(`Deployed, but the mutual-TLS confirmation was not seen in time (${failedStep ?? 'confirmation'}). After fixing the cause, continue with: ${resume}\n`);
				} else {
					write(`Stopped at ${failedStep ?? 'a step'}. After fixing the cause, continue with: ${resume}\n`);
				}

				break;
			}
		}
	};
}
