import {execFileSync} from 'node:child_process';
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';

export type ServingCert = {caPem: string; certPem: string; keyPem: string};

/** A throwaway CA and a 127.0.0.1 serving certificate signed by it, made with the openssl CLI. */
export function makeServingCert(dir: string): ServingCert {
	const file = (name: string) => join(dir, name);
	const openssl = (args: string[]) => execFileSync('openssl', args, {stdio: ['ignore', 'ignore', 'pipe']});
	const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
	writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n');
	openssl(['req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.crt'), '-days', '2', '-subj', '/CN=kube-emulator-ca',
		'-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']);
	openssl(['req', '-new', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=kube-apiserver']);
	openssl(['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '2',
		'-out', file('server.crt'), '-extfile', file('server.ext')]);
	return {caPem: readFileSync(file('ca.crt'), 'utf8'), certPem: readFileSync(file('server.crt'), 'utf8'), keyPem: readFileSync(file('server.key'), 'utf8')};
}
