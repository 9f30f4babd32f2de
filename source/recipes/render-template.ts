/**
 * Recipe strings hold `{{name}}` placeholders (answers.namespace, pki.agent-client.crt, outDir). Rendering is
 * strict: a placeholder with no value is an error naming it and where it was, never an empty string, because a
 * silently empty secret name or mount path is exactly the kind of failure the wizard exists to prevent.
 */

const placeholder = /{{\s*([^{}\s]+)\s*}}/g;

export class TemplateError extends Error {
	constructor(
		message: string,
		readonly variable: string,
	) {
		super(message);
		this.name = 'TemplateError';
	}
}

/** The variable names a template refers to, in order of appearance (duplicates kept out). */
export function templateVariables(template: string): string[] {
	const names = [...template.matchAll(placeholder)].map(match => match[1] ?? '');
	return [...new Set(names)];
}

/** Replaces every placeholder; `where` names the recipe field for the error message. */
export function renderTemplate(template: string, variables: Readonly<Record<string, string>>, where: string): string {
	const rendered = template.replace(placeholder, (_whole, name: string) => {
		const value = variables[name];
		if (value === undefined) {
			throw new TemplateError(`${where}: unknown variable {{${name}}}`, name);
		}

		return value;
	});
	if (rendered.includes('{{') || rendered.includes('}}')) {
		throw new TemplateError(`${where}: unbalanced braces in ${JSON.stringify(template)}`, '');
	}

	return rendered;
}
