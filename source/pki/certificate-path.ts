import {X509Certificate} from 'node:crypto';

export type PathResult = {ok: true; path: X509Certificate[]} | {ok: false; reason: string; path: X509Certificate[]};

export function oneLineName(distinguishedName: string): string {
	return distinguishedName.split('\n').filter(Boolean).join(', ');
}

function signedBy(child: X509Certificate, parent: X509Certificate): boolean {
	return child.checkIssued(parent) && child.verify(parent.publicKey);
}

function selfSigned(certificate: X509Certificate): boolean {
	return signedBy(certificate, certificate);
}

/**
 * The path a TLS peer builds from a leaf to its root: each issuer is found among the intermediates the leaf file
 * carries and the trusted certificates, checked by name, key identifier and signature. The path must pass a
 * trusted certificate and end at a self-signed root: Go and Java stop at any trusted CA, but OpenSSL (Node, nginx,
 * curl) needs the root itself, so a trust file that ends at an intermediate fails there.
 */
export function buildCertificatePath(leaf: X509Certificate, intermediates: X509Certificate[], trusted: X509Certificate[]): PathResult {
	const path = [leaf];
	const isTrusted = (certificate: X509Certificate) => trusted.some(t => t.fingerprint256 === certificate.fingerprint256);
	let reachedTrust = isTrusted(leaf);
	for (let current = leaf; !selfSigned(current); ) {
		if (path.length > 10) return {ok: false, reason: 'the chain is longer than 10 certificates', path};
		const issuer = [...trusted, ...intermediates].find(candidate => candidate.fingerprint256 !== current.fingerprint256 && signedBy(current, candidate));
		if (!issuer) {
			const issuerName = oneLineName(current.issuer);
			if (reachedTrust) {
				return {ok: false, reason: `the trusted chain ends at "${oneLineName(current.subject)}", which is not self-signed: OpenSSL-based peers also need its issuer "${issuerName}", up to the root`, path};
			}

			const named = [...trusted, ...intermediates].some(c => c.subject === current.issuer);
			const reason = named
				? `"${oneLineName(current.subject)}" names "${issuerName}" as issuer, but no certificate of that name holds the key that signed it`
				: `the issuer "${issuerName}" of "${oneLineName(current.subject)}" is neither in the trusted CA file nor beside the leaf`;
			return {ok: false, reason, path};
		}

		path.push(issuer);
		current = issuer;
		reachedTrust ||= isTrusted(issuer);
	}

	if (!reachedTrust) return {ok: false, reason: `its root "${oneLineName(path.at(-1)!.subject)}" is not in the trusted CA file`, path};
	return {ok: true, path};
}
