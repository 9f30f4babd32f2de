import {redactAnswers} from '../exec/redact.js';
import {quoteCommand, type QuoteOptions} from '../exec/shell-quote.js';
import type {CommandSpec} from '../exec/types.js';
import {runnerFor} from '../steps/registry.js';
import type {PlannedFile} from '../steps/types.js';
import type {CaSource, KeySize, KeyType, Plan, Step} from '../plan/types.js';

export function formatMode(mode: number): string {
	return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}

/** Secret variables a step passes to docker as a bare `-e NAME`: apply.sh needs them in its environment. */
export function environmentSecrets(step: Step): Array<{name: string; answer: string}> {
	if (step.kind === 'swarm-service' || (step.kind === 'docker-run' && step.envFile === undefined)) {
		return Object.entries(step.secretEnv).map(([name, ref]) => ({name, answer: ref.secret}));
	}

	return [];
}

/** Plain words for steps that run no external command (or whose command alone does not say what they wait for). */
export function describeStep(step: Step): string[] {
	switch (step.kind) {
		case 'verify-handshake': {
			return [`proves ${step.server} and ${step.client} with real mutual-TLS handshakes on 127.0.0.1 (name ${step.serverName}${step.caFile ? `, both sides trusting ${step.caFile}` : ''}), plus the refusal cases`];
		}

		case 'wait-for-log': {
			return [`waits up to ${step.timeoutSeconds}s for: ${step.success.map(s => s.description).join(' or ')}`];
		}

		case 'tls-probe': {
			const where = step.hostFrom ? `the address of container ${step.hostFrom.dockerContainer} on network ${step.hostFrom.network}, port ${step.port}` : `${step.host}:${step.port}`;
			const client = step.presentClientCertificate === false ? '' : ` with the client certificate${step.keyPassphrase ? ` (key decrypted with the secret answer ${step.keyPassphrase.secret})` : ''}`;
			// The request path ends the line: a path copied from it carries no comma.
			return [`connects to ${where} (name ${step.serverName}) for up to ${step.timeoutSeconds}s${client}${step.httpPath ? ` and requests ${step.httpPath}` : ''}`];
		}

		case 'docker-run':
		case 'swarm-service': {
			return environmentSecrets(step).map(({name, answer}) => `${name}: the secret answer ${answer}, handed to docker through its environment with -e ${name} and never on the command line`);
		}

		case 'manual': {
			return step.instructions.map(line => `by hand: ${line}`);
		}

		default: {
			return [];
		}
	}
}

function keyName(keyType: KeyType | undefined, keySize: KeySize): string {
	return keyType === undefined || keyType === 'rsa' ? `RSA ${keySize}` : keyType.toUpperCase();
}

function caLine(ca: CaSource): string {
	if (ca.mode === 'import') return `CA: your own, ${ca.certPath} with key ${ca.keyPath}${ca.passphrase ? ' (encrypted)' : ''}`;
	if (ca.mode === 'csr') return 'CA: your PKI, which signs the requests made here';
	return `CA: CN=${ca.commonName} generated (${ca.days} days, ${keyName(ca.keyType, ca.keySize)})`;
}

/** The names each certificate will carry, one line per certificate: what a typo in an answer shows up in first. */
export function describeCertificates(plan: Plan): string[] {
	return plan.steps.flatMap(step => {
		if (step.kind !== 'issue-certificates') return [];
		return [
			caLine(step.ca),
			...step.leaves.map(leaf => {
				const names = [...leaf.dnsNames.map(name => `DNS:${name}`), ...leaf.ipAddresses.map(ip => `IP:${ip}`)];
				// A PKI that signs a request decides the validity itself.
				const days = step.ca.mode === 'csr' ? '' : `${leaf.days} days, `;
				return `${leaf.id} (${leaf.role}): CN=${leaf.commonName} ${[...names, ''].join(' ')}(${days}${keyName(leaf.keyType, leaf.keySize)}${leaf.keyPassphrase ? ', key encrypted' : ''})`;
			}),
		];
	});
}

export type StepPrintout = {step: Step; commands: CommandSpec[]; files: PlannedFile[]};

export function printouts(plan: Plan): StepPrintout[] {
	return plan.steps.map(step => {
		const runner = runnerFor(step);
		return {step, commands: runner.commands(step), files: runner.files?.(step) ?? []};
	});
}

function indent(text: string, prefix: string): string[] {
	return text.replace(/\n$/, '').split('\n').map(line => `${prefix}${line}`);
}

/**
 * The whole plan as dry-run prints it: each step's title, its exact commands shell-quoted and the files it would
 * write. Previews already show secret answers as <redacted>; the secrets given are redacted once more over the
 * whole text, so a value that slipped into a literal (a user's path, a non-secret answer) is hidden too.
 */
export function formatPlan(plan: Plan, options: {secrets?: Readonly<Record<string, string>>; quote?: QuoteOptions} = {}): string {
	const lines = [`Plan for ${plan.recipe} --target ${plan.target}: ${plan.steps.length} steps; output in ${plan.outDir}`, 'Nothing has been run or written (dry run).', ''];
	for (const [index, {step, commands, files}] of printouts(plan).entries()) {
		lines.push(`${index + 1}. ${step.title}  [${step.kind}, id ${step.id}]`);
		if (step.alongsidePrevious) lines.push(`   starts while step ${index} still runs: it needs nothing from it; reported after it`);
		for (const description of describeStep(step)) lines.push(`   ${description}`);
		for (const command of commands) {
			if (command.note) lines.push(`   # ${command.note}`);
			const ok = (command.okExitCodes ?? []).length > 0 ? `   # exit ${command.okExitCodes!.join(', ')} also counts as success` : '';
			lines.push(`   $ ${quoteCommand(command, options.quote)}${ok}`);
		}

		for (const file of files) {
			lines.push(`   writes ${file.path} (${formatMode(file.mode)})${file.note ? `: ${file.note}` : ''}`);
			if (file.preview !== undefined) lines.push(...indent(file.preview, '   | '));
		}

		lines.push('');
	}

	// Very short values are hidden only as whole words (redact.ts says why).
	return redactAnswers(lines.join('\n'), options.secrets ?? {});
}
