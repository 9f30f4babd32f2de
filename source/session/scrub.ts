import {pemBlock, redactAnswers} from '../exec/redact.js';

/**
 * The session never holds key material or secret answers. Steps should not put them in a detail or an
 * error message in the first place; this is the last line of defence before anything reaches the disk.
 * It redacts the same way as the printed plan and failed commands, base64 forms included.
 */
export function scrubText(text: string, secrets: Readonly<Record<string, string>>): string {
	return redactAnswers(text.replace(pemBlock, '[PEM block removed]'), secrets);
}
