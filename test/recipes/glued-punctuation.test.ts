import test from 'ava';
import {gluedToPunctuation} from '../../source/recipes/glued-punctuation.js';

test('a command, flag, path, URL or assignment touching punctuation is found, as written', t => {
	t.deepEqual(gluedToPunctuation('Run kubectl create secret generic x --from-file=ca.crt=./certs/ca.crt.'), ['--from-file=ca.crt=./certs/ca.crt.']);
	t.deepEqual(gluedToPunctuation('Mount it at /etc/mtls; set GRPC_AUTHORITY_MODIFICATION_DISABLED=true, then (-p 9443:9443)'), [
		'/etc/mtls;',
		'GRPC_AUTHORITY_MODIFICATION_DISABLED=true,',
		'(-p',
	]);
	t.deepEqual(gluedToPunctuation('The endpoint (https://acme.harness.io:8443, or older).'), ['(https://acme.harness.io:8443,']);
	t.deepEqual(gluedToPunctuation('Send {{pki.ca.crt}}.'), ['{{pki.ca.crt}}.']);
});

test('prose punctuation and words that are not copied stay allowed', t => {
	t.deepEqual(gluedToPunctuation('Keys are PKCS#8 PEM, e.g. client.key; restart it (then wait).'), []);
	t.deepEqual(gluedToPunctuation('kubectl create secret generic x --from-file=ca.crt=./certs/ca.crt'), []);
	t.deepEqual(gluedToPunctuation('Add --enable-ssl-passthrough to the controller, with -p 9443:9443 on docker run.'), []);
});
