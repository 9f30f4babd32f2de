/*
 * node-forge's submodules, typed from the package's own declarations: importing one loads only it and what it needs,
 * where the package's main module loads all of forge (TLS, ciphers, PKCS#12), ten times the code.
 */
declare module 'node-forge/lib/asn1.js' {
	import type forge from 'node-forge';

	const asn1: typeof forge.asn1;
	export default asn1;
}

declare module 'node-forge/lib/oids.js' {
	import type forge from 'node-forge';

	const oids: typeof forge.pki.oids;
	export default oids;
}
