/**
 * A fleet: the `agents` answer, `name [SAN...]` entries separated by commas (`--set agents=edge-1,edge-2`), or an
 * `--agents-file` with one agent per line. Each agent gets its own client certificate and bundle agents/<name>/,
 * and its name goes into container, service and secret names, so it is a DNS label short enough for all of them.
 */
import {isIP} from 'node:net';
import {readFile} from 'node:fs/promises';
import {badInput, UsageError} from '../errors.js';
import {validateDnsName, validateIpAddress} from '../pki/validate-names.js';

export type Agent = {name: string; dnsNames: string[]; ipAddresses: string[]};

/** Room for prefixes such as portainer-agent-<name>.mtlscert within Kubernetes' 63-character names. */
const maxNameLength = 40;
const agentName = /^[a-z\d](?:[-a-z\d]*[a-z\d])?$/;

/** One `name [SAN...]` entry, checked; `field` is what the user wrote it in (`--set agents`, `FILE:3`). */
export function parseAgentEntry(entry: string, field: string): Agent {
	const [name = '', ...sans] = entry.trim().split(/\s+/);
	if (name.length > maxNameLength || !agentName.test(name)) {
		throw badInput(field, name, 'is not an agent name', `Use lowercase letters, digits and inner '-', at most ${maxNameLength} characters, e.g. edge-1`);
	}

	const dnsNames: string[] = [];
	const ipAddresses: string[] = [];
	for (const san of sans) {
		if (isIP(san) === 0) dnsNames.push(validateDnsName(san, `${field} (agent ${name})`));
		else ipAddresses.push(validateIpAddress(san, `${field} (agent ${name})`));
	}

	return {name, dnsNames, ipAddresses};
}

/** More agents than this in one plan is a typo (a range with a digit too many), not a fleet. */
const maxAgents = 10_000;

/**
 * Names from a pattern: `edge-{1..20}` is edge-1 … edge-20, `edge-{01..20}` keeps the leading zeros. An entry
 * without a range is itself. Extra SANs after the name are kept for every agent of the range.
 */
export function expandAgentPattern(entry: string, field: string): string[] {
	const [name = '', ...sans] = entry.trim().split(/\s+/);
	const range = /{(\d+)\.\.(\d+)}/.exec(name);
	if (!range) return [entry.trim()];
	const [whole, from = '', to = ''] = range;
	const [first, last] = [Number(from), Number(to)];
	if (last < first || last - first + 1 > maxAgents) {
		throw badInput(field, name, `is not a range of 1 to ${maxAgents} agents`, 'Write the range low to high, e.g. edge-{1..20}');
	}

	const width = from.startsWith('0') ? from.length : 0;
	return Array.from({length: last - first + 1}, (_, index) => [name.replace(whole, String(first + index).padStart(width, '0')), ...sans].join(' '));
}

/** The agents of an already validated answer; [] when there is none (the recipe's single agent). */
export function agentsOf(answer: string | number | boolean | undefined): Agent[] {
	if (answer === undefined || answer === '') return [];
	return String(answer).split(',').map(entry => parseAgentEntry(entry, '--set agents'));
}

export function checkUniqueAgents(agents: Agent[], field: (index: number) => string): void {
	const seen = new Map<string, number>();
	for (const [index, agent] of agents.entries()) {
		const first = seen.get(agent.name);
		if (first !== undefined) throw badInput(field(index), agent.name, `names the same agent as ${field(first)}`, 'Give every agent its own name');
		seen.set(agent.name, index);
	}
}

/**
 * `--agents-file FILE`: one agent per line, its name then optional extra SANs (DNS names or IPs) separated by spaces
 * or commas; blank lines and `#` comments are skipped. Returns the `agents` answer the lines make.
 */
export async function readAgentsFile(file: string): Promise<string> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
		throw new UsageError(`--agents-file: cannot read ${JSON.stringify(file)} (${code}). Give a text file with one agent per line: a name, then optional extra SANs.`);
	}

	const agents: Agent[] = [];
	const lines: number[] = [];
	for (const [index, raw] of text.split(/\r?\n/).entries()) {
		const line = raw.replace(/#.*/, '').replaceAll(',', ' ').trim();
		if (line === '') continue;
		agents.push(parseAgentEntry(line, `--agents-file ${file}:${index + 1}`));
		lines.push(index + 1);
	}

	if (agents.length === 0) throw new UsageError(`--agents-file ${file}: lists no agent. Put one agent per line: a name, then optional extra SANs.`);
	checkUniqueAgents(agents, index => `--agents-file ${file}:${lines[index]}`);
	return agents.map(agent => [agent.name, ...agent.dnsNames, ...agent.ipAddresses].join(' ')).join(',');
}
