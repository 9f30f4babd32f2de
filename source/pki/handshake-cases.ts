/**
 * The cases of the local mutual-TLS check (verify-mutual-tls.ts runs them), named once so that a summary of a
 * passed check says exactly what was tried. Kept apart from the check itself, which loads node-forge.
 */
export const handshakeCases = {
	own: 'client certificate from the CA',
	none: 'no client certificate',
	stranger: 'client certificate from another CA',
	wrongName: 'wrong server name',
} as const;

/** What a passed check proved, one line per case, for the summaries after a run. */
export function provedByHandshake(serverName: string): string[] {
	return [
		`${handshakeCases.own}: accepted, server name ${serverName} verified`,
		`${handshakeCases.none}: refused`,
		`${handshakeCases.stranger}: refused`,
		`${handshakeCases.wrongName}: refused by the client`,
	];
}
