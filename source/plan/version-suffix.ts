/** 20261202T013000: a suffix for names a derived plan creates anew (swarm secrets, directories), sortable, one per run. */
export function versionOf(now: Date): string {
	return now.toISOString().replace(/[-:]/g, '').slice(0, 15);
}
