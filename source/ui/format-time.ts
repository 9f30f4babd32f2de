/** "just now", "5 minutes ago", "3 hours ago", "2 days ago". */
export function formatAge(then: Date, now: Date): string {
	const seconds = Math.max(0, Math.round((now.getTime() - then.getTime()) / 1000));
	if (seconds < 60) return 'just now';
	const units: Array<[string, number]> = [
		['day', 86_400],
		['hour', 3600],
		['minute', 60],
	];
	for (const [name, size] of units) {
		if (seconds >= size) {
			const count = Math.floor(seconds / size);
			return `${count} ${name}${count === 1 ? '' : 's'} ago`;
		}
	}

	return 'just now';
}

/** "0.4s", "12s", "3m05s". */
export function formatElapsed(ms: number): string {
	if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
	const seconds = Math.floor(ms / 1000);
	if (seconds < 60) return `${seconds}s`;
	return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/** "2036-05-01". */
export function formatDay(date: Date): string {
	return date.toISOString().slice(0, 10);
}
