/** 0.4s, 12.3s, 2m05s: short enough for a status line, precise enough to compare runs. */
export function formatDuration(milliseconds: number): string {
	if (milliseconds < 60_000) return `${(milliseconds / 1000).toFixed(1)}s`;
	const seconds = Math.round(milliseconds / 1000);
	return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}
