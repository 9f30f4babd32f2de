import test from 'ava';
import {placeIn} from '../source/path-within.js';

test('a path is the directory itself, inside it, or outside it; only a whole .. segment leads out', t => {
	t.is(placeIn('/srv/out', '/srv/out'), 'self');
	t.is(placeIn('/srv/out', '/srv/out/'), 'self');
	t.is(placeIn('/srv/out', '/srv/out/certs/ca.crt'), 'inside');
	t.is(placeIn('/srv/out', '/srv/out/..x.yaml'), 'inside', '..x is a name');
	t.is(placeIn('/srv/out', '/srv/out/a/../b'), 'inside');
	t.is(placeIn('/srv/out', '/srv'), 'outside');
	t.is(placeIn('/srv/out', '/srv/out-old/ca.crt'), 'outside', 'a sibling that shares the prefix');
	t.is(placeIn('/srv/out', '/srv/out/../other'), 'outside');
	t.is(placeIn('/srv/out', '/etc/passwd'), 'outside');
});
