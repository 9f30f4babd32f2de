export const redactedMark = '<redacted>';

/**
 * Replaces every secret value, and its base64 form (how Kubernetes Secret manifests carry it), with <redacted>.
 * Longer values go first so a secret that contains another is hidden whole.
 */
export function redact(text: string, secrets: Iterable<string>): string {
	const needles = new Set<string>();
	for (const secret of secrets) {
		if (secret === '') continue;
		needles.add(secret);
		needles.add(Buffer.from(secret).toString('base64'));
	}

	let result = text;
	for (const needle of [...needles].sort((a, b) => b.length - a.length)) result = result.replaceAll(needle, redactedMark);
	return result;
}

/** Secret answers shorter than this are not searched for: hiding every "a" would garble the text, not protect it. */
const shortestRedactedAnswer = 4;

/** Redacts secret answers (by value, with their base64 forms) from text shown, logged or saved. */
export function redactAnswers(text: string, secrets: Readonly<Record<string, string>>): string {
	return redact(text, Object.values(secrets).filter(value => value.length >= shortestRedactedAnswer));
}
