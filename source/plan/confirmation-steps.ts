import type {RecipeConfirmStep} from '../recipes/recipe-schema.js';
import {drop, type PlanContext} from './plan-context.js';
import type {LogSource, SecretRef, Step} from './types.js';

/** One recipe confirm step as a plan step; a wait-for-log step takes its patterns and hints from the recipe's named check. */
export function confirmationStep(ctx: PlanContext, step: RecipeConfirmStep, where: string): Step {
	const base = {id: step.id, title: ctx.text(step.title, `${where}.title`)};
	switch (step.kind) {
		case 'wait-for-log': {
			const check = ctx.recipe.checks[step.check]!;
			return {
				...base,
				kind: 'wait-for-log',
				source: logSource(ctx, step.source, `${where}.source`),
				success: check.success.map(p => ({...p})),
				failures: check.failures.map(p => ({...p})),
				timeoutSeconds: check.timeoutSeconds,
				timeoutHints: [...check.timeoutHints],
			};
		}

		case 'tls-probe':
			return {
				...base,
				kind: 'tls-probe',
				...(step.hostFrom
					? {
							hostFrom: {
								dockerContainer: ctx.text(step.hostFrom.dockerContainer, `${where}.hostFrom.dockerContainer`),
								network: ctx.text(step.hostFrom.network, `${where}.hostFrom.network`),
							},
						}
					: {host: ctx.text(step.host!, `${where}.host`)}),
				port: ctx.number(step.port, `${where}.port`),
				serverName: ctx.text(step.serverName, `${where}.serverName`),
				caFile: ctx.text(step.caFile, `${where}.caFile`),
				clientCertFile: ctx.text(step.clientCertFile, `${where}.clientCertFile`),
				clientKeyFile: ctx.text(step.clientKeyFile, `${where}.clientKeyFile`),
				...keyPassphrase(ctx, step.keyPassphrase),
				...(step.presentClientCertificate === undefined ? {} : {presentClientCertificate: step.presentClientCertificate}),
				...(step.clientCertificateOptional === undefined ? {} : {clientCertificateOptional: step.clientCertificateOptional}),
				...(step.httpPath ? {httpPath: ctx.text(step.httpPath, `${where}.httpPath`)} : {}),
				timeoutSeconds: ctx.number(step.timeoutSeconds, `${where}.timeoutSeconds`),
				// Patterns are regular expressions: never templated.
				failureHints: step.failureHints.map(p => ({...p})),
			};
		case 'manual':
			return {...base, kind: 'manual', instructions: ctx.textList(step.instructions, `${where}.instructions`)};
	}
}

/** An optional passphrase that was not given leaves the key as unencrypted (the certificates step wrote it so). */
function keyPassphrase(ctx: PlanContext, marker: {$secret: string} | undefined): {keyPassphrase?: SecretRef} {
	if (!marker) return {};
	const ref = ctx.secret(marker.$secret);
	return ref === drop ? {} : {keyPassphrase: ref};
}

function logSource(ctx: PlanContext, source: Extract<RecipeConfirmStep, {kind: 'wait-for-log'}>['source'], where: string): LogSource {
	switch (source.kind) {
		case 'docker-container':
			return {kind: 'docker-container', container: ctx.text(source.container, `${where}.container`)};
		case 'docker-service':
			return {kind: 'docker-service', service: ctx.text(source.service, `${where}.service`)};
		case 'kubectl':
			return {
				kind: 'kubectl',
				resource: ctx.text(source.resource, `${where}.resource`),
				...(source.container ? {container: ctx.text(source.container, `${where}.container`)} : {}),
				...ctx.kube(source.namespace, where),
			};
	}
}
