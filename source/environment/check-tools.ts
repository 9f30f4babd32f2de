/**
 * The wizard's start-up check: which of kubectl, helm and docker are on PATH, which kube context is current,
 * and whether a docker engine answers. Probes run at once, each with a short time limit, and report as they
 * finish, so the screen is drawn first and fills in.
 */
import {runCommand} from '../exec/run-command.js';
import type {CommandSpec} from '../exec/types.js';
import {checkingReport} from './checking-report.js';
import type {EnvironmentReport, Probe} from '../wizard/types.js';

/*
 * Long enough for a tool that starts slowly on a busy machine (a probe past its limit makes its targets
 * unavailable for the whole session), short enough that an engine socket that never answers is reported.
 */
export const probeTimeoutMs = 15_000;

type ProbeResult = {exitCode: number; stdout: string; stderr: string} | {missing: string};

async function probe(file: CommandSpec['file'], args: string[], env: NodeJS.ProcessEnv): Promise<ProbeResult> {
	const signal = AbortSignal.timeout(probeTimeoutMs);
	try {
		return await runCommand({file, args}, {env, signal});
	} catch (error) {
		if (signal.aborted) return {missing: `no answer within ${probeTimeoutMs / 1000}s`};
		return {missing: /not found on PATH/.test(String((error as Error).message)) ? 'not found on PATH' : (error as Error).message};
	}
}

function firstLine(text: string): string {
	return text.trim().split('\n')[0]?.trim() ?? '';
}

/** The reason a command gave for failing, shortened to what fits on one line of the panel. */
function failureText(result: ProbeResult, fallback: string): string {
	if ('missing' in result) return result.missing;
	const line = firstLine(result.stderr) || firstLine(result.stdout);
	return /cannot connect|connection refused|no such file|is the docker daemon running/i.test(line) ? fallback : line.replace(/^error: /i, '') || fallback;
}

function kubectlVersion(result: ProbeResult): Probe {
	if ('missing' in result) return {state: 'missing', text: result.missing};
	if (result.exitCode !== 0) return {state: 'missing', text: failureText(result, 'does not run')};
	try {
		const parsed = JSON.parse(result.stdout) as {clientVersion?: {gitVersion?: string}};
		return {state: 'ok', text: parsed.clientVersion?.gitVersion ?? 'found'};
	} catch {
		return {state: 'ok', text: 'found'};
	}
}

function helmVersion(result: ProbeResult): Probe {
	if ('missing' in result) return {state: 'missing', text: result.missing};
	if (result.exitCode !== 0) return {state: 'missing', text: failureText(result, 'does not run')};
	return {state: 'ok', text: firstLine(result.stdout).replace(/\+g[\da-f]+$/, '') || 'found'};
}

function dockerVersion(result: ProbeResult): Probe {
	if ('missing' in result) return {state: 'missing', text: result.missing};
	if (result.exitCode !== 0) return {state: 'missing', text: failureText(result, 'does not run')};
	return {state: 'ok', text: /version ([^\s,]+)/i.exec(result.stdout)?.[1] ?? 'found'};
}

function kubeContext(result: ProbeResult): Probe {
	if ('missing' in result) return {state: 'missing', text: result.missing === 'not found on PATH' ? 'no kubectl' : result.missing};
	if (result.exitCode !== 0) return {state: 'missing', text: /not set/.test(result.stderr) ? 'none set' : failureText(result, 'none')};
	return {state: 'ok', text: firstLine(result.stdout)};
}

function dockerEngine(result: ProbeResult): {engine: Probe; swarm: Probe} {
	if ('missing' in result) {
		const text = result.missing === 'not found on PATH' ? 'no docker' : result.missing;
		return {engine: {state: 'missing', text}, swarm: {state: 'missing', text}};
	}

	if (result.exitCode !== 0) {
		const text = failureText(result, 'not reachable');
		return {engine: {state: 'missing', text}, swarm: {state: 'missing', text: 'no engine'}};
	}

	const [version = '', swarm = ''] = firstLine(result.stdout).split(' ');
	return {
		engine: {state: 'ok', text: version || 'reachable'},
		swarm: swarm === 'active' ? {state: 'ok', text: 'active'} : {state: 'missing', text: swarm || 'inactive'},
	};
}

/** Runs every probe concurrently; `onUpdate` gets the whole report after each probe answers. Resolves with the final report. */
export async function checkEnvironment(env: NodeJS.ProcessEnv, onUpdate: (report: EnvironmentReport) => void): Promise<EnvironmentReport> {
	let report = checkingReport;
	const update = (change: Partial<EnvironmentReport>) => {
		report = {...report, ...change};
		onUpdate(report);
	};

	await Promise.all([
		probe('kubectl', ['version', '--client', '--output=json'], env).then(result => update({kubectl: kubectlVersion(result)})),
		probe('kubectl', ['config', 'current-context'], env).then(result => update({kubeContext: kubeContext(result)})),
		probe('helm', ['version', '--short'], env).then(result => update({helm: helmVersion(result)})),
		probe('docker', ['--version'], env).then(result => update({docker: dockerVersion(result)})),
		probe('docker', ['info', '--format', '{{.ServerVersion}} {{.Swarm.LocalNodeState}}'], env).then(result => {
			const {engine, swarm} = dockerEngine(result);
			update({dockerEngine: engine, dockerSwarm: swarm});
		}),
	]);
	return report;
}
