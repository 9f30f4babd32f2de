const pemBlock = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g;

/** Secret values shorter than this are not searched for: replacing every "a" would garble the file, not protect it. */
const shortestSearchedSecret = 4;

/**
 * The session never holds key material or secret answers. Steps should not put them in a detail or an
 * error message in the first place; this is the last line of defence before anything reaches the disk.
 */
export function scrubText(text: string, secrets: Readonly<Record<string, string>>): string {
	let scrubbed = text.replace(pemBlock, '[PEM block removed]');
	for (const value of Object.values(secrets)) {
		if (value.length >= shortestSearchedSecret) scrubbed = scrubbed.split(value).join('[secret removed]');
	}

	return scrubbed;
}
