/** An answer with a separator in it (a path, a file name, a host, a kube name like mtls-server) is unlikely to be a plain word of a message. */
const separated = /[/.-]/;

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Which answer a failure message is about, so the wizard can put the cursor on it: the question named as a field
 * (`caKey:`, `--set caKey`, `answer caKey`, `session ID: caKey`, or its prompt), else the answer whose value the
 * message names as a whole word: a file a step could not use, a secret that exists with another type. Undefined when
 * the message names none.
 */
export function faultQuestion(message: string, questions: Array<{id: string; prompt: string}>, answers: Record<string, string>): string | undefined {
	const named = questions.find(
		q => new RegExp(`(?:^|--set |answer |: )${q.id}(?![\\w-])`).test(message) || (q.prompt.length > 0 && message.startsWith(`${q.prompt}:`)),
	);
	if (named) return named.id;
	// A step names the file or the object it could not use (a values file, a manifest, a secret), not the answer that named it.
	return questions.find(q => {
		const value = answers[q.id] ?? '';
		return value.length > 2 && separated.test(value) && new RegExp(`(?<![\\w-])${escaped(value)}(?![\\w-])`).test(message);
	})?.id;
}
