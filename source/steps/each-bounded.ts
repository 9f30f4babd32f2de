/** The threads of libuv's threadpool, where Node makes keys and runs file-system calls (UV_THREADPOOL_SIZE, 4 by default). */
export const threadpoolThreads = Number(process.env['UV_THREADPOOL_SIZE']) || 4;

/** Runs work over items with at most `limit` at once, in order of start; rejects on the first failure. */
export async function eachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	const worker = async (): Promise<void> => {
		while (next < items.length) await work(items[next++]!);
	};

	await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker));
}
