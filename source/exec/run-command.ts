import {InterruptedError, StepFailedError} from '../errors.js';
import {childEnvironment} from './child-environment.js';
import {quoteCommand} from './shell-quote.js';
import type {CommandResult, CommandSpec, OutputLine} from './types.js';
import {writeFileAtomic} from './write-file-atomic.js';
import {withUserPath} from './user-path.js';

export type RunOptions = {
	env: NodeJS.ProcessEnv;
	signal: AbortSignal;
	/** Called for every output line as it arrives (never for a command with outputFile: that output is secret). */
	onLine?: (line: OutputLine) => void;
};

const installHints: Record<CommandSpec['file'], string> = {
	kubectl: 'Install kubectl or add it to PATH.',
	helm: 'Install helm (v3) or add it to PATH.',
	docker: 'Install the docker CLI or add it to PATH.',
};

export function notOnPath(file: CommandSpec['file']): StepFailedError {
	return new StepFailedError(`${file} was not found on PATH. ${installHints[file]}`);
}

/** An execa line transform (chunk is a line string without encoding:'buffer') that reports each line as it arrives. */
function lineForwarder(stream: OutputLine['stream'], onLine: RunOptions['onLine']) {
	return function* (line: unknown): Generator<unknown, void, void> {
		onLine?.({line: String(line), stream});
		yield line;
	};
}

/**
 * Runs one command with an argument array (never a shell) and resolves with its exit code and output,
 * whatever the exit code: deciding what a code means is the caller's job (see okExitCodes, assertCommandOk).
 * Rejects only when the tool is missing (StepFailedError) or the signal aborted it (InterruptedError).
 */
export async function runCommand(spec: CommandSpec, options: RunOptions): Promise<CommandResult> {
	const display = quoteCommand(spec);
	// Loaded on the first command only: execa costs ~90 ms of start-up that --dry-run, --export and certs never need.
	const {execa} = await import('execa');
	const result = await execa(spec.file, spec.args, {
		// Only this environment: execa would otherwise merge all of process.env (secret answers included) back in.
		env: withUserPath(childEnvironment(options.env, spec.env)),
		extendEnv: false,
		cancelSignal: options.signal,
		reject: false,
		stdin: spec.inputFile ? {file: spec.inputFile} : 'ignore',
		stdout: spec.outputFile ? 'pipe' : lineForwarder('stdout', options.onLine),
		stderr: lineForwarder('stderr', options.onLine),
		forceKillAfterDelay: 5000,
	});

	if (result.isCanceled || options.signal.aborted) throw new InterruptedError();
	if (result.failed && result.exitCode === undefined && (result as {code?: string}).code === 'ENOENT') {
		if (spec.inputFile && String(result.message).includes(spec.inputFile)) {
			throw new StepFailedError(`${display}: cannot read its input file ${spec.inputFile}: no such file.`);
		}

		throw notOnPath(spec.file);
	}

	// A command killed by a signal has no exit code; report it the way shells do (128 + signal number).
	const exitCode = result.exitCode ?? (result.signal ? 128 + (signalNumbers[result.signal] ?? 0) : 1);
	let stdout = result.stdout;
	if (spec.outputFile && isOk(spec, exitCode)) {
		await writeFileAtomic(spec.outputFile, `${stdout}\n`, 0o600);
		stdout = '';
	} else if (spec.outputFile) {
		stdout = '';
	}

	return {exitCode, stdout, stderr: result.stderr, display};
}

const signalNumbers: Partial<Record<string, number>> = {SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGPIPE: 13, SIGTERM: 15};

function isOk(spec: CommandSpec, exitCode: number): boolean {
	return exitCode === 0 || (spec.okExitCodes ?? []).includes(exitCode);
}

/** The last few stderr (else stdout) lines: what a failure message shows. */
export function lastLines(result: CommandResult, count = 10): string[] {
	const text = result.stderr.trim() === '' ? result.stdout : result.stderr;
	return text.split('\n').filter(line => line.trim() !== '').slice(-count);
}

/** Throws a StepFailedError naming the command, its exit code and its last output lines unless the exit code is ok. */
export function assertCommandOk(spec: CommandSpec, result: CommandResult): CommandResult {
	if (isOk(spec, result.exitCode)) return result;
	const tail = lastLines(result, 5);
	throw new StepFailedError(`${result.display} exited with code ${result.exitCode}${tail.length > 0 ? `:\n${tail.join('\n')}` : '.'}`);
}

/** runCommand, rejecting with StepFailedError when the exit code is not ok: what the engine's StepContext.run needs. */
export async function runCommandChecked(spec: CommandSpec, options: RunOptions): Promise<CommandResult> {
	return assertCommandOk(spec, await runCommand(spec, options));
}
