/**
 * The threads of libuv's threadpool, where Node makes keys and runs file-system calls: UV_THREADPOOL_SIZE read as
 * libuv reads it (atoi into an unsigned count: 0 or no number is 1, a negative or more than 1024 is 1024), 4 unset.
 */
export function threadpoolSize(value: string | undefined): number {
	if (value === undefined) return 4;
	const threads = Number.parseInt(value, 10) || 0;
	if (threads === 0) return 1;
	return threads < 0 || threads > 1024 ? 1024 : threads;
}

export const threadpoolThreads = threadpoolSize(process.env['UV_THREADPOOL_SIZE']);

/** Runs work over items with at most `limit` at once, in order of start; rejects on the first failure. */
export async function eachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	const worker = async (): Promise<void> => {
		while (next < items.length) await work(items[next++]!);
	};

	await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker));
}
