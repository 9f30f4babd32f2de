/** Certificate lifetimes are counted in whole days of 24 hours, as `--days` and `openssl x509 -days` count them. */
const dayMs = 86_400_000;

export function daysFromNow(days: number): Date {
	return new Date(Date.now() + days * dayMs);
}

/** Whole days left until `date`, rounded down; negative once it has passed. */
export function wholeDaysUntil(date: Date): number {
	return Math.floor((date.getTime() - Date.now()) / dayMs);
}

/** 2026-11-22: the precision a validity date is shown with. */
export function isoDay(date: Date): string {
	return date.toISOString().slice(0, 10);
}
