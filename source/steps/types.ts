/**
 * One module per step kind implements StepRunner. `commands` is pure: it is what dry-run prints and export
 * writes into apply.sh, and what `run` executes, so the three never drift apart.
 */
import type {CommandSpec, CommandResult, OutputLine} from '../exec/types.js';
import type {Step} from '../plan/types.js';

export type StepContext = {
	/** Secret answers, in memory only. */
	secrets: Readonly<Record<string, string>>;
	/** The environment handed to kubectl, helm and docker (KUBECONFIG, DOCKER_HOST...). */
	env: NodeJS.ProcessEnv;
	signal: AbortSignal;
	/** Report a line of progress or command output to the renderers. */
	output(line: OutputLine | {line: string; stream: 'info'}): void;
	/** How far a step working through many items (a fleet's certificates) is: done of total. */
	progress?(done: number, total: number): void;
	/** Say what a confirmation step is waiting for, so renderers can show it while log lines stream past. */
	waitingFor(description: string, timeoutSeconds: number): void;
	/** Runs one command through source/exec; rejects with StepFailedError on a non-ok exit code. */
	run(command: CommandSpec): Promise<CommandResult>;
	/**
	 * When a confirmation step's wait runs out: AbortSignal.timeout unless given. The engine counts the time of a step
	 * started alongside another from when it is its turn; tests end a wait on an event (the lines they expect have
	 * arrived) instead of racing a short wall-clock timeout on a loaded machine.
	 */
	deadline?: (seconds: number) => AbortSignal;
	/** The session the run is saved in, for instructions that name it (absent when a step runs outside a session). */
	sessionId?: string;
	/**
	 * The files an earlier run of this step in the same session made. The step runs again because an answer that shaped
	 * them changed (a new key passphrase), so it may replace them, while a file it did not make is never overwritten.
	 */
	earlierFiles?: readonly string[];
};

export type StepOutcome = {
	/** One line for the summary, e.g. "secret steadybit-agent/agent-client-cert replaced". */
	detail?: string;
	/** Files the step produced, for the session and the summary (never their contents). */
	files?: string[];
	/**
	 * The step cannot finish before a PKI outside the wizard signs its requests: the run stops here (exit 0), the
	 * session waits in state awaiting-signature, and `mtls-wizard resume ID --signed DIR` carries on. The
	 * instructions say where the signed certificates go and give that command.
	 */
	awaitingSignature?: {instructions: string[]; signedDir: string};
};

/** A file a step writes, as dry-run shows it: never its secret values. */
export type PlannedFile = {
	path: string;
	mode: number;
	/** The contents with secret values shown as <redacted>, when they are known before the step runs. */
	preview?: string;
	/** What the file holds when there is no preview (e.g. "private key"). */
	note?: string;
};

export type StepRunner<S extends Step> = {
	kind: S['kind'];
	/** The exact external commands this step runs, in order; empty for local steps (certificates, files, probes). */
	commands(step: S): CommandSpec[];
	/** The files the step writes, for dry-run and export (pure: reads nothing, writes nothing). */
	files?(step: S): PlannedFile[];
	run(step: S, context: StepContext): Promise<StepOutcome>;
};
