import {UsageError} from '../errors.js';
import {caModeOf} from '../plan/certificate-steps.js';
import type {Rotation} from '../plan/types.js';
import {agentsOf} from '../recipes/agent-list.js';
import type {Session} from './types.js';

/**
 * The rotation of a finished session's deployment to a new CA, checked against the session: what `rotate-ca` (and
 * a wizard screen) saves in the new session and hands to sessionPlanFor({rotation}). version names the new
 * directory <outDir>/rotate-ca/<version> and the swarm secrets of each phase; it is chosen once, here.
 */
export function rotationOf(session: Session, options: {excludeAgents?: readonly string[]; version: string; stage?: 'all' | 'keep-old-ca' | 'drop-old-ca'}): Rotation {
	const stage = options.stage ?? 'all';
	if (stage === 'drop-old-ca') return finishing(session, options.excludeAgents ?? []);
	// Its phases take the deployed trust to be one CA: a deployment trusting two would lose the older one unannounced.
	if (keptRotationOf(session)) {
		throw new UsageError(`session ${session.id}: its deployment still trusts both the old and the new CA (rotate-ca --keep-old-ca). Finish that rotation first with: mtls-wizard rotate-ca ${session.id} --drop-old-ca`);
	}

	const mode = caModeOf(session.answers);
	if (mode !== 'generate') {
		throw new UsageError(
			`session ${session.id}: its certificates come from ${mode === 'own-ca' ? 'your own CA (caMode=own-ca)' : 'your PKI (caMode=csr)'}, and rotate-ca moves a deployment to a new CA the wizard issues. Move to another CA of yours with: mtls-wizard run ${session.recipe} --target ${session.target} --set caCert=FILE --set caKey=FILE`,
		);
	}

	const agents = agentsOf(session.answers['agents']).map(agent => agent.name);
	const excludeAgents = [...new Set(options.excludeAgents ?? [])];
	for (const name of excludeAgents) {
		if (agents.includes(name)) continue;
		throw new UsageError(
			agents.length === 0
				? `--exclude-agent ${name}: session ${session.id} has no fleet of agents (--set agents=...), so there is no agent to leave out. Drop --exclude-agent.`
				: `--exclude-agent ${name}: not an agent of session ${session.id}. Its agents: ${agents.join(', ')}.`,
		);
	}

	if (agents.length > 0 && excludeAgents.length === agents.length) {
		throw new UsageError(`--exclude-agent: leaves out every agent of session ${session.id} (${agents.join(', ')}). Keep at least one, or deploy anew with mtls-wizard run.`);
	}

	return {of: session.id, from: session.outDir, version: options.version, excludeAgents, stage};
}

/**
 * The rotation stopped with both CAs trusted (--keep-old-ca) that the session's deployment is in: its own, or the one
 * the deployment it renewed was in (a renewal leaves the trust as it found it).
 */
export function keptRotationOf(session: Session): Rotation | undefined {
	return session.rotation?.stage === 'keep-old-ca' ? session.rotation : session.renewal?.keptRotation;
}

/** --drop-old-ca: phase 3 of a rotation that stopped after phase 2 (--keep-old-ca), with its directory and exclusions. */
function finishing(session: Session, excludeAgents: readonly string[]): Rotation {
	const kept = keptRotationOf(session);
	if (!kept) {
		throw new UsageError(`--drop-old-ca: session ${session.id} is not a rotation that kept the old CA. Give the session of mtls-wizard rotate-ca --keep-old-ca (see: mtls-wizard sessions).`);
	}

	if (excludeAgents.length > 0) {
		throw new UsageError(`--exclude-agent ${excludeAgents[0]!}: not with --drop-old-ca; the agents were left out in phase 2 (${kept.excludeAgents.join(', ') || 'none'}). Drop --exclude-agent, or rotate anew.`);
	}

	return {...kept, of: session.id, stage: 'drop-old-ca'};
}
