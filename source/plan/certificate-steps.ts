import {badInput} from '../errors.js';
import {validateCommonName, validateDnsName, validateIpAddress} from '../pki/validate-names.js';
import type {RecipeCertificates} from '../recipes/recipe-schema.js';
import {drop, type PlanContext} from './plan-context.js';
import type {CaSource, KeySize, KeyType, Step} from './types.js';

export function certificateSteps(ctx: PlanContext, certificates: RecipeCertificates): Step[] {
	const at = ctx.recipe.targets[ctx.target]!.certificates === undefined ? 'certificates' : `targets.${ctx.target}.certificates`;
	const keySize = ctx.numberAnswer('keySize', 2048) as KeySize;
	// RSA plans stay as they were; another key type is named in the CA and every leaf.
	const keyType = (ctx.answers['keyType'] ?? 'rsa') as KeyType;
	const ofType = keyType === 'rsa' ? {} : {keyType};
	const days = ctx.numberAnswer('days', 825);
	const caCert = ctx.answers['caCert'];
	const caKey = ctx.answers['caKey'];
	const ca: CaSource =
		caCert !== undefined && caKey !== undefined
			? {mode: 'import', certPath: String(caCert), keyPath: String(caKey), ...(ctx.hasSecret('caKeyPassphrase') ? {passphrase: {secret: 'caKeyPassphrase'}} : {})}
			: {mode: 'generate', commonName: validateCommonName(ctx.text(certificates.ca.commonName, `${at}.ca.commonName`), 'CA certificate common name'), days: ctx.numberAnswer('caDays', 3650), keySize, ...ofType};
	// One rule with certs: a leaf never outlives its CA. A CA of the user's is judged when it is read, at the step.
	if (ca.mode === 'generate' && days > ca.days) {
		throw badInput('--set days', String(days), `outlives the CA it would be signed by (caDays ${ca.days})`, `Use days ${ca.days} or less, or raise caDays`);
	}

	const leaves = certificates.leaves.map((leaf, index) => {
		const where = `${at}.leaves[${index}]`;
		const dnsNames = nameList(ctx, leaf.dnsNames, `${where}.dnsNames`).map(name => validateDnsName(name, `${leaf.id} certificate DNS name`));
		const ipAddresses = nameList(ctx, leaf.ipAddresses, `${where}.ipAddresses`).map(ip => validateIpAddress(ip, `${leaf.id} certificate IP address`));
		const passphrase = leaf.keyPassphrase ? ctx.secret(leaf.keyPassphrase.$secret) : drop;
		return {
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
	});
	return [
		{id: 'certificates', kind: 'issue-certificates', title: `${ca.mode === 'import' ? 'Sign with your CA the' : 'Issue the CA and'} ${leaves.map(l => l.id).join(', ')} certificates`, dir: ctx.pkiDir, ca, leaves},
		{
			id: 'verify-handshake',
			kind: 'verify-handshake',
			title: `Prove ${certificates.handshake.client} → ${certificates.handshake.server} with a local mutual-TLS handshake`,
			dir: ctx.pkiDir,
			server: certificates.handshake.server,
			client: certificates.handshake.client,
			serverName: ctx.text(certificates.handshake.serverName, `${at}.handshake.serverName`),
		},
	];
}

function nameList(ctx: PlanContext, templates: string[], where: string): string[] {
	return templates.flatMap((template, index) =>
		ctx.text(template, `${where}[${index}]`)
			.split(',')
			.map(name => name.trim())
			.filter(name => name !== ''),
	);
}
