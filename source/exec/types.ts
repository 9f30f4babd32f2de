/**
 * A command as data: dry-run prints it, export writes it into apply.sh, the exec layer runs it.
 * There is never a shell: `file` is looked up on PATH and `args` are passed as they are.
 */
export type CommandSpec = {
	file: 'kubectl' | 'helm' | 'docker';
	args: string[];
	/** Fed to the command's stdin; secret material travels this way or as files, never in argv. */
	inputFile?: string;
	/**
	 * stdout goes to this file (written 0600, atomically) instead of the screen: for output that carries secret
	 * material, such as a Secret manifest rendered by `kubectl create secret --dry-run=client -o yaml`.
	 */
	outputFile?: string;
	/**
	 * Extra environment for this command only. This is how secret values reach `docker run -e NAME` and
	 * `docker service create -e NAME` (a bare name: docker reads the value from its own environment): set by a
	 * runner just before running, never by commands(), never displayed, never saved.
	 */
	env?: Readonly<Record<string, string>>;
	/**
	 * For apply.sh only: arguments, by index in `args`, that the script writes as this shell text instead of the
	 * quoted argument, e.g. "$(id -u):$(id -g)" for the ids of whoever runs the bundle. Never run, never a secret.
	 * `{{arg:N}}` in the text stands for argument N as the script quotes it (a path inside the bundle stays relative).
	 */
	scriptArgs?: Readonly<Record<number, string>>;
	/**
	 * Run only when the command before it in the step exited non-zero, e.g. create a network that an inspect did not
	 * find. apply.sh joins the two with ||; the step's runner makes the same decision.
	 */
	onlyIfPreviousFailed?: boolean;
	/** Exit codes that mean "fine" besides 0 (e.g. a delete of something already gone). */
	okExitCodes?: number[];
	/** Plain words shown in dry-run and export above the command. */
	note?: string;
};

export type CommandResult = {
	exitCode: number;
	stdout: string;
	stderr: string;
	/** The command shell-quoted for display; it never contains secrets because argv never does. */
	display: string;
};

export type OutputLine = {line: string; stream: 'stdout' | 'stderr'};
