import {randomBytes} from 'node:crypto';
import {readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {openssl} from './openssl.js';

/** Key algorithms as a corporate PKI might use them, in openssl's own terms. */
export type OpensslKey = 'rsa' | 'rsa-pss' | 'ec-p256' | 'ec-p384' | 'ec-p521' | 'ed25519';

const newKey: Record<OpensslKey, string[]> = {
	rsa: ['-newkey', 'rsa:2048'],
	'rsa-pss': ['-newkey', 'rsa-pss', '-pkeyopt', 'rsa_keygen_bits:2048'],
	'ec-p256': ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
	'ec-p384': ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'],
	'ec-p521': ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521'],
	ed25519: ['-newkey', 'ed25519'],
};

export type OpensslCaSpec = {
	/** The file base: <dir>/<name>.crt and <dir>/<name>.key. */
	name: string;
	/** As openssl -subj takes it, UTF-8 allowed: /O=Müller GmbH/CN=Issuing CA */
	subject: string;
	key?: OpensslKey;
	days?: number;
	/** The parent that signs it; self-signed when absent. */
	parent?: OpensslCa;
	/** openssl's nameConstraints value, e.g. "critical,permitted;DNS:.corp.example" */
	nameConstraints?: string;
	pathLength?: number;
	/** keyUsage value; default critical,keyCertSign,cRLSign */
	keyUsage?: string;
};

export type OpensslCa = {name: string; certPath: string; keyPath: string; certificatePem: string; key: OpensslKey};

async function must(args: string[]): Promise<void> {
	const result = await openssl(args);
	if (result.code !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.stderr}`);
}

/** How a CA signs: Ed25519 takes no digest, an RSA-PSS key signs in PSS. */
function signingDigest(ca: OpensslCa): string[] {
	if (ca.key === 'ed25519') return [];
	return ca.key === 'rsa-pss' ? ['-sha256', '-sigopt', 'rsa_padding_mode:pss'] : ['-sha256'];
}

/** A CA made by openssl alone, the way a PKI team makes one: the wizard's code plays no part in it. */
export async function opensslCa(dir: string, spec: OpensslCaSpec): Promise<OpensslCa> {
	const key = spec.key ?? 'rsa';
	const config = join(dir, `${spec.name}.cnf`);
	const extensions = [
		`basicConstraints=critical,CA:TRUE${spec.pathLength === undefined ? '' : `,pathlen:${spec.pathLength}`}`,
		`keyUsage=${spec.keyUsage ?? 'critical,keyCertSign,cRLSign'}`,
		'subjectKeyIdentifier=hash',
		...(spec.parent ? ['authorityKeyIdentifier=keyid:always'] : []),
		...(spec.nameConstraints ? [`nameConstraints=${spec.nameConstraints}`] : []),
	];
	await writeFile(config, ['[req]', 'distinguished_name=dn', 'x509_extensions=ext', 'string_mask=utf8only', '[dn]', '[ext]', ...extensions, ''].join('\n'));
	const certPath = join(dir, `${spec.name}.crt`);
	const keyPath = join(dir, `${spec.name}.key`);
	const days = String(spec.days ?? 3650);
	const digest = key === 'ed25519' ? [] : ['-sha256'];
	if (spec.parent) {
		const csr = join(dir, `${spec.name}.csr`);
		await must(['req', '-new', ...newKey[key], '-nodes', '-keyout', keyPath, '-utf8', '-subj', spec.subject, '-config', config, '-out', csr]);
		await must([
			'x509', '-req', '-in', csr, '-CA', spec.parent.certPath, '-CAkey', spec.parent.keyPath, '-set_serial', `0x${randomBytes(12).toString('hex')}`,
			'-days', days, ...signingDigest(spec.parent), '-extfile', config, '-extensions', 'ext', '-out', certPath,
		]);
	} else {
		await must(['req', '-x509', ...newKey[key], '-nodes', '-keyout', keyPath, '-utf8', '-subj', spec.subject, '-days', days, ...digest, '-config', config, '-out', certPath]);
	}

	return {name: spec.name, certPath, keyPath, certificatePem: await readFile(certPath, 'utf8'), key};
}

/** A chain file as a PKI hands it out: the issuing CA first, then its parents up to the root. */
export async function chainFile(dir: string, name: string, cas: OpensslCa[]): Promise<string> {
	const path = join(dir, name);
	await writeFile(path, cas.map(ca => ca.certificatePem).join(''));
	return path;
}

export type OpensslLeafSpec = {
	name: string;
	subject: string;
	key?: OpensslKey;
	days?: number;
	/** openssl extension lines, e.g. "extendedKeyUsage=clientAuth", "subjectAltName=DNS:x" */
	extensions: string[];
};

export type OpensslLeaf = {certPath: string; keyPath: string};

/** A leaf signed by an openssl CA with exactly the extensions given, as a PKI that got something wrong issues it. */
export async function opensslLeaf(dir: string, ca: OpensslCa, spec: OpensslLeafSpec): Promise<OpensslLeaf> {
	const config = join(dir, `${spec.name}.cnf`);
	await writeFile(config, ['[req]', 'distinguished_name=dn', 'string_mask=utf8only', '[dn]', '[ext]', ...spec.extensions, ''].join('\n'));
	const keyPath = join(dir, `${spec.name}.key`);
	const certPath = join(dir, `${spec.name}.crt`);
	const csr = join(dir, `${spec.name}.csr`);
	await must(['req', '-new', ...newKey[spec.key ?? 'rsa'], '-nodes', '-keyout', keyPath, '-utf8', '-subj', spec.subject, '-config', config, '-out', csr]);
	await must([
		'x509', '-req', '-in', csr, '-CA', ca.certPath, '-CAkey', ca.keyPath, '-set_serial', `0x${randomBytes(12).toString('hex')}`,
		'-days', String(spec.days ?? 30), ...signingDigest(ca), '-extfile', config, '-extensions', 'ext', '-out', certPath,
	]);
	return {certPath, keyPath};
}

export type SignRequestSpec = {
	/** The file base of the certificate: <dir>/<name>.crt. */
	name: string;
	csrPath: string;
	/** openssl extension lines that replace those of the request with the same name, e.g. "extendedKeyUsage=serverAuth". */
	override?: string[];
	/** openssl ca's dates (YYYYMMDDHHMMSSZ), for a certificate valid at another time than now. */
	startDate?: string;
	endDate?: string;
	days?: number;
};

/**
 * A request signed by an openssl CA as a PKI team signs it (`openssl ca`, the request's extensions copied), or with
 * some extensions or dates changed, as a PKI that got something wrong signs it.
 */
export async function opensslSignRequest(dir: string, ca: OpensslCa, spec: SignRequestSpec): Promise<string> {
	const base = join(dir, spec.name);
	await writeFile(`${base}.index`, '');
	await writeFile(`${base}.serial`, `${randomBytes(12).toString('hex')}\n`);
	await writeFile(
		`${base}.ca.cnf`,
		[
			'[ca]', 'default_ca=dflt', '[dflt]', `database=${base}.index`, `serial=${base}.serial`, `new_certs_dir=${dir}`, `default_md=${ca.key === 'ed25519' ? 'default' : 'sha256'}`,
			'policy=anything', 'unique_subject=no', 'copy_extensions=copy', 'email_in_dn=no', 'string_mask=utf8only', '[anything]', 'commonName=supplied',
			'[ext]', ...(spec.override ?? []), '',
		].join('\n'),
	);
	const certPath = `${base}.crt`;
	await must([
		'ca', '-batch', '-notext', '-utf8', '-config', `${base}.ca.cnf`, '-cert', ca.certPath, '-keyfile', ca.keyPath, '-in', spec.csrPath, '-out', certPath,
		...(spec.override?.length ? ['-extensions', 'ext'] : []),
		...(spec.startDate ? ['-startdate', spec.startDate] : []),
		...(spec.endDate ? ['-enddate', spec.endDate] : ['-days', String(spec.days ?? 30)]),
	]);
	return certPath;
}
