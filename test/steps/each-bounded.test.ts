import test from 'ava';
import {eachBounded, threadpoolSize} from '../../source/steps/each-bounded.js';

test('threadpoolSize reads UV_THREADPOOL_SIZE as libuv does: 4 unset, 1 for zero or no number, 1024 at most, a negative wrapping to the most', t => {
	t.is(threadpoolSize(undefined), 4);
	t.is(threadpoolSize('8'), 8);
	t.is(threadpoolSize(' 16threads'), 16);
	t.is(threadpoolSize('0'), 1);
	t.is(threadpoolSize('many'), 1);
	t.is(threadpoolSize(''), 1);
	t.is(threadpoolSize('5000'), 1024);
	t.is(threadpoolSize('-2'), 1024);
});

test('eachBounded runs every item, never more than the limit at once, and starts them in order', async t => {
	let running = 0;
	let most = 0;
	const started: number[] = [];
	const releases: Array<() => void> = [];
	const items = Array.from({length: 10}, (_, index) => index);
	const all = eachBounded(items, 3, async item => {
		started.push(item);
		running += 1;
		most = Math.max(most, running);
		await new Promise<void>(resolve => releases.push(resolve));
		running -= 1;
	});
	// Release the work one piece at a time, as each is waiting, until every item has started and finished.
	while (started.length < items.length || running > 0) {
		await new Promise(resolve => setImmediate(resolve));
		releases.shift()?.();
	}

	await all;
	t.is(most, 3);
	t.deepEqual(started, items);
});
