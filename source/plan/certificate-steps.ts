import {badInput, UsageError} from '../errors.js';
import {validateCommonName, validateDnsName, validateIpAddress} from '../pki/validate-names.js';
import type {RecipeCertificates} from '../recipes/recipe-schema.js';
import {drop, type PlanContext} from './plan-context.js';
import type {CaSource, KeySize, KeyType, LeafSpec, Step} from './types.js';

export function certificateSteps(ctx: PlanContext, certificates: RecipeCertificates): Step[] {
	const at = ctx.recipe.targets[ctx.target]!.certificates === undefined ? 'certificates' : `targets.${ctx.target}.certificates`;
	const keySize = ctx.numberAnswer('keySize', 2048) as KeySize;
	// RSA plans stay as they were; another key type is named in the CA and every leaf.
	const keyType = (ctx.answers['keyType'] ?? 'rsa') as KeyType;
	const ofType = keyType === 'rsa' ? {} : {keyType};
	const days = ctx.numberAnswer('days', 825);
	const caCert = ctx.answers['caCert'];
	const caKey = ctx.answers['caKey'];
	const mode = caModeOf(ctx.answers);
	const ca: CaSource =
		mode === 'csr'
			? {mode: 'csr', ...(ctx.signedDir === undefined ? {} : {signedDir: ctx.signedDir})}
			: mode === 'own-ca'
				? {mode: 'import', certPath: String(caCert), keyPath: String(caKey), ...(ctx.hasSecret('caKeyPassphrase') ? {passphrase: {secret: 'caKeyPassphrase'}} : {})}
				: {mode: 'generate', commonName: validateCommonName(ctx.text(certificates.ca.commonName, `${at}.ca.commonName`), 'CA certificate common name'), days: ctx.numberAnswer('caDays', 3650), keySize, ...ofType};
	// One rule with certs: a leaf never outlives its CA. A CA of the user's is judged when it is read, at the step.
	if (ca.mode === 'generate' && days > ca.days) {
		throw badInput('--set days', String(days), `outlives the CA it would be signed by (caDays ${ca.days})`, `Use days ${ca.days} or less, or raise caDays`);
	}

	const agents = ctx.agentPlacements();
	const fleet = agents[0]?.suffix !== '' ? agents : [];
	if (fleet.length > 0 && ca.mode === 'csr') {
		throw new UsageError('--set agents: not with caMode=csr. A fleet is issued here or by your own CA (caMode=own-ca); leave agents out to have your PKI sign one agent.');
	}

	const leaves = certificates.leaves.flatMap((leaf, index) => {
		const where = `${at}.leaves[${index}]`;
		const dnsNames = nameList(ctx, leaf.dnsNames, `${where}.dnsNames`).map(name => validateDnsName(name, `${leaf.id} certificate DNS name`));
		const ipAddresses = nameList(ctx, leaf.ipAddresses, `${where}.ipAddresses`).map(ip => validateIpAddress(ip, `${leaf.id} certificate IP address`));
		const passphrase = leaf.keyPassphrase ? ctx.secret(leaf.keyPassphrase.$secret) : drop;
		const planned: LeafSpec = {
			id: leaf.id,
			role: leaf.role,
			commonName: validateCommonName(ctx.text(leaf.commonName, `${where}.commonName`), `${leaf.id} certificate common name`),
			dnsNames: [...new Set(dnsNames)],
			ipAddresses: [...new Set(ipAddresses)],
			days,
			keySize,
			...ofType,
			...(passphrase === drop ? {} : {keyPassphrase: passphrase}),
		};
		if (fleet.length === 0 || leaf.id !== ctx.recipe.agents?.leaf) return [planned];
		// Each agent its own certificate: its name as CN, the leaf's names plus its own extra SANs, in its bundle.
		// An agent without extra SANs shares the leaf's lists: a fleet's plan holds one copy, not one per agent.
		const withExtra = (names: string[], extra: string[]) => (extra.length === 0 ? names : [...new Set([...names, ...extra])]);
		return fleet.map(agent => ({
			...planned,
			commonName: validateCommonName(agent.name, `agent ${agent.name} common name`),
			dnsNames: withExtra(planned.dnsNames, agent.dnsNames),
			ipAddresses: withExtra(planned.ipAddresses, agent.ipAddresses),
			dir: agent.dir,
		}));
	});
	const ids = leafSummary(leaves);
	const titles: Record<CaSource['mode'], string> = {
		generate: `Issue the CA and ${ids} certificates`,
		import: `Sign with your CA the ${ids} certificates`,
		csr: `Have your PKI sign the ${ids} certificates (keys and requests made here)`,
	};
	return [
		{id: 'certificates', kind: 'issue-certificates', title: titles[ca.mode], dir: ctx.pkiDir, ca, leaves},
		{
			id: 'verify-handshake',
			kind: 'verify-handshake',
			title: `Prove ${certificates.handshake.client} → ${certificates.handshake.server} with a local mutual-TLS handshake`,
			dir: ctx.pkiDir,
			server: certificates.handshake.server,
			client: certificates.handshake.client,
			// In a fleet every agent's certificate has the same profile from the same CA: the first one stands for all.
			...(fleet.length > 0 && certificates.handshake.client === ctx.recipe.agents?.leaf ? {clientDir: fleet[0]!.dir} : {}),
			serverName: ctx.text(certificates.handshake.serverName, `${at}.handshake.serverName`),
		},
	];
}

/**
 * Who signs, from caMode and the own-CA answers; without caMode, your CA when caCert and caKey are given (as before
 * caMode existed), else a new one. Answers that contradict the mode are bad input rather than silently unused.
 */
export function caModeOf(answers: PlanContext['answers']): 'generate' | 'own-ca' | 'csr' {
	const given = (['caCert', 'caKey'] as const).filter(id => answers[id] !== undefined && answers[id] !== '');
	const asked = answers['caMode'];
	const mode = asked === undefined ? (given.length > 0 ? 'own-ca' : 'generate') : (String(asked) as 'generate' | 'own-ca' | 'csr');
	if (mode === 'own-ca') {
		const missing = (['caCert', 'caKey'] as const).find(id => !given.includes(id));
		if (missing) throw new UsageError(`--set ${missing}: required with caMode=own-ca (${missing === 'caCert' ? 'your CA certificate, with its chain' : 'the private key of your CA'}). Give it, or choose caMode=generate or caMode=csr.`);
		return mode;
	}

	const unused = given[0];
	if (unused) {
		throw badInput(`--set ${unused}`, String(answers[unused]), `is not used with caMode=${mode}`, `Leave caCert and caKey unset, or choose caMode=own-ca to sign with your CA`);
	}

	return mode;
}

function nameList(ctx: PlanContext, templates: string[], where: string): string[] {
	return templates.flatMap((template, index) =>
		ctx.text(template, `${where}[${index}]`)
			.split(',')
			.map(name => name.trim())
			.filter(name => name !== ''),
	);
}

/** The leaves for a title, a fleet's agents counted: `server, 20 client`. */
export function leafSummary(leaves: ReadonlyArray<{id: string}>): string {
	return [...new Set(leaves.map(l => l.id))]
		.map(id => {
			const count = leaves.filter(l => l.id === id).length;
			return count === 1 ? id : `${count} ${id}`;
		})
		.join(', ');
}
