import {redact} from '../exec/redact.js';

const pemBlock = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g;

/** Secret values shorter than this are not searched for: replacing every "a" would garble the file, not protect it. */
const shortestSearchedSecret = 4;

/**
 * The session never holds key material or secret answers. Steps should not put them in a detail or an
 * error message in the first place; this is the last line of defence before anything reaches the disk.
 * It redacts the same way as the printed plan and failed commands, base64 forms included.
 */
export function scrubText(text: string, secrets: Readonly<Record<string, string>>): string {
	const searched = Object.values(secrets).filter(value => value.length >= shortestSearchedSecret);
	return redact(text.replace(pemBlock, '[PEM block removed]'), searched);
}
