import test from 'ava';
import {filesByEnd, namedFiles} from '../source/named-files.js';

const fleet = Array.from({length: 12}, (_, index) => `/out/agents/edge-${index + 1}/client.key`);

test('namedFiles finds exactly the files whose whole path occurs in the text, wherever it occurs', t => {
	const text = JSON.stringify({args: ['--key', fleet[0]], env: `KEY=${fleet[10]!};`, note: '/out/agents/edge-1/client.key.bak'});
	t.deepEqual(namedFiles(text, filesByEnd(fleet)).sort(), [fleet[0], fleet[10]].sort());
});

test('namedFiles: a path that only ends like a file (another directory, a longer name) is not that file, and a text naming none finds none', t => {
	const byEnd = filesByEnd(fleet);
	t.deepEqual(namedFiles('/out/agents/edge-13/client.key /tmp/client.key xedge-1/client.key client.key', byEnd), []);
	t.deepEqual(namedFiles('', byEnd), []);
	t.deepEqual(namedFiles('/out/agents/edge-12/client.key', byEnd), [fleet[11]]);
});

test('namedFiles: files of several base names and lengths are each found', t => {
	const files = ['/a/b/client.key', '/a/bb/server.key', '/a/b/server.key'];
	t.deepEqual(namedFiles('cat /a/bb/server.key /a/b/client.key', filesByEnd(files)).sort(), ['/a/b/client.key', '/a/bb/server.key']);
});
