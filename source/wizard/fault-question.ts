/**
 * Which answer a failure message is about, so the wizard can put the cursor on it: the question named as a field
 * (`caKey:`, `--set caKey`, `answer caKey`, `session ID: caKey`, or its prompt), else the answer whose file path
 * the message names. Undefined when the message names none.
 */
export function faultQuestion(message: string, questions: Array<{id: string; prompt: string}>, answers: Record<string, string>): string | undefined {
	const named = questions.find(
		q => new RegExp(`(?:^|--set |answer |: )${q.id}(?![\\w-])`).test(message) || (q.prompt.length > 0 && message.startsWith(`${q.prompt}:`)),
	);
	if (named) return named.id;
	// A step names the file it could not use (a values file, a manifest), not the answer that named it.
	return questions.find(q => {
		const value = answers[q.id] ?? '';
		return value.includes('/') || value.includes('.') ? value.length > 2 && message.includes(value) : false;
	})?.id;
}
