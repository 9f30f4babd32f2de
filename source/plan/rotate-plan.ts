/**
 * A deployment's plan → the plan that moves it to a new CA without an outage, in three phases, each deployed and
 * confirmed before the next begins:
 *   1. trust both: the new CA is issued and every trust point gets a bundle of the old CA and the new one, while
 *      every leaf is still the old one;
 *   2. re-issue: every leaf (except the excluded agents') is issued from the new CA and deployed, trust still both;
 *   3. drop the old CA: every trust point gets the new CA alone.
 * At no moment does one side present a certificate the other does not trust. Pure, like the planner: the new
 * output directory and the swarm secrets' names come from `rotation.version`, chosen once by the command and saved
 * in the session, so a resumed rotation rebuilds the same plan.
 */
import {dirname, join, relative} from 'node:path';
import {placeIn} from '../path-within.js';
import type {RecipeRotation} from '../recipes/recipe-schema.js';
import {freshLines, restartAfter} from './renew-plan.js';
import type {CarriedFile, IssueCertificatesStep, LeafSpec, ManualStep, Plan, Rotation, Step} from './types.js';

export type RotationPhase = 1 | 2 | 3;

/** Step id prefixes and title words of each phase: the ids stay stable, the titles say where the rotation is. */
const phases: Record<RotationPhase, {prefix: string; title: string}> = {
	1: {prefix: 'trust-both', title: 'Phase 1, trust the old and the new CA'},
	2: {prefix: 'reissue', title: 'Phase 2, leaves from the new CA'},
	3: {prefix: 'drop-old-ca', title: 'Phase 3, drop the old CA'},
};

/** The file beside the new CA that holds the old CA then the new one: what every trust point reads in phases 1 and 2. */
export const trustBothFile = 'ca-old-and-new.crt';

/** Where a rotation writes the new CA, leaves and generated files: inside the rotated deployment's own directory. */
export function rotationDir(rotation: Pick<Rotation, 'from' | 'version'>): string {
	return join(rotation.from, 'rotate-ca', rotation.version);
}

/** The deployment's answers without the excluded agents: the new plan issues nothing for them. */
export function answersWithout(answers: Plan['answers'], excluded: readonly string[]): Plan['answers'] {
	const fleet = answers['agents'];
	if (excluded.length === 0 || typeof fleet !== 'string') return answers;
	const kept = fleet.split(',').filter(entry => !excluded.includes(entry.trim().split(/\s+/)[0] ?? ''));
	return {...answers, agents: kept.join(',')};
}

function issueStep(plan: Plan): IssueCertificatesStep {
	const issue = plan.steps.find((step): step is IssueCertificatesStep => step.kind === 'issue-certificates');
	if (!issue) throw new Error(`recipe ${plan.recipe}, target ${plan.target}: the plan issues no certificates, so there is no CA to rotate`);
	return issue;
}

/** The new CA's file and each agent bundle's copy of it → `both`: the trust points of phases 1 and 2. */
function trustBothPaths(issue: IssueCertificatesStep, both: string): Map<string, string> {
	const copies = issue.leaves.filter(leaf => leaf.dir !== undefined).map(leaf => join(leaf.dir!, 'ca.crt'));
	return new Map([join(issue.dir, 'ca.crt'), ...copies].map(file => [file, both]));
}

/**
 * A plan made in a rotation's directory with its trust points as phase 2 left them: each that reads the new CA (or
 * an agent bundle's copy of it) reads `both`, the old CA then the new, except those that hold one CA at a time. A
 * renewal of a rotation stopped with --keep-old-ca deploys this, so the old CA stays trusted until --drop-old-ca.
 */
export function bothCasTrusted(plan: Plan, both: string, notes?: RecipeRotation): Plan {
	const issue = issueStep(plan);
	const paths = trustBothPaths(issue, both);
	const newCaAlone = new Map(paths);
	newCaAlone.delete(join(issue.dir, 'ca.crt'));
	const singleCa = new Set(notes?.singleCaSteps ?? []);
	const steps = plan.steps.map(step => (isDeployment(step) || isConfirmation(step) ? substitute(step, singleCa.has(step.id) ? newCaAlone : paths) : step));
	return {...plan, steps};
}

function leafFiles(issue: IssueCertificatesStep, leaf: LeafSpec): [string, string] {
	const home = leaf.dir ?? issue.dir;
	return [join(home, `${leaf.id}.crt`), join(home, `${leaf.id}.key`)];
}

/** A leaf is the same one in both plans when its id and name are: a fleet agent's leaf is named after the agent. */
function leafKey(leaf: LeafSpec): string {
	return `${leaf.id}\u0000${leaf.commonName}`;
}

/** Every string in the step with each path of `paths` replaced by its value: one pass, longest path first. */
function substitute<S extends Step>(step: S, paths: ReadonlyMap<string, string>): S {
	if (paths.size === 0) return step;
	const escaped = [...paths.keys()].sort((a, b) => b.length - a.length).map(path => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
	const pattern = new RegExp(escaped.join('|'), 'g');
	return JSON.parse(JSON.stringify(step), (_key, value: unknown) => (typeof value === 'string' ? value.replace(pattern, match => paths.get(match)!) : value)) as S;
}

/** Steps of a deployment the rotation runs again: everything after the certificates and their local proof. */
function isDeployment(step: Step): boolean {
	return step.kind !== 'issue-certificates' && step.kind !== 'verify-handshake' && step.kind !== 'wait-for-log' && step.kind !== 'tls-probe';
}

function isConfirmation(step: Step): boolean {
	return step.kind === 'wait-for-log' || step.kind === 'tls-probe';
}

/** What a deployment step reads, so that a step whose view does not change in a phase is left out of it. */
function sameStep(a: Step, b: Step): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}

type PhaseView = {phase: RotationPhase; paths: Map<string, string>};

export type RotationInput = {
	/** The deployment as it was made: its certificates are the old CA's and stay where they are. */
	deployed: Plan;
	/** The same recipe, target and answers (without the excluded agents) planned into rotationDir(rotation). */
	rotated: Plan;
	rotation: Rotation;
	/** The recipe's rotation notes: trust points that hold one CA, facts not verified upstream. */
	notes?: RecipeRotation | undefined;
	/**
	 * A bundle's directory for the deployment's files (--export): the steps name copies there, listed in Plan.carried,
	 * rather than the deployment's directory, which the machine that applies the bundle may not have.
	 */
	carryInto?: string | undefined;
};

export function rotatePlan({deployed, rotated, rotation, notes, carryInto}: RotationInput): Plan {
	const oldIssue = issueStep(deployed);
	const newIssue = issueStep(rotated);
	if (oldIssue.ca.mode !== 'generate') {
		throw new Error(`recipe ${deployed.recipe}: the deployment's CA is not the wizard's own (${oldIssue.ca.mode}), so rotate-ca cannot make its successor`);
	}

	const carried = new Map<string, string>();
	/** Where the steps find a file of the deployment: where it is, or its copy in the bundle. */
	const deployedFile = (path: string): string => {
		if (carryInto === undefined) return path;
		const inside = relative(rotation.from, path);
		if (placeIn(rotation.from, path) === 'outside') throw new Error(`${path}: a file of the deployment outside its directory ${rotation.from}`);
		const copy = join(carryInto, inside);
		carried.set(path, copy);
		return copy;
	};

	// The trust bundle is made where the plan runs (export included), from the deployment's own CA file.
	const oldCaFile = join(oldIssue.dir, 'ca.crt');
	const oldCa = deployedFile(oldCaFile);
	const newCa = join(newIssue.dir, 'ca.crt');
	const both = join(newIssue.dir, trustBothFile);
	const oldLeaves = new Map(oldIssue.leaves.map(leaf => [leafKey(leaf), leaf]));
	// The deployed state seen through the new plan's steps: new leaf files → the old ones, new CA → old CA.
	const toOldLeaves = new Map<string, string>();
	for (const leaf of newIssue.leaves) {
		const old = oldLeaves.get(leafKey(leaf));
		if (!old) throw new Error(`recipe ${deployed.recipe}: the rotated plan has a leaf ${leaf.id} (${leaf.commonName}) the deployment never issued`);
		const [newCert, newKey] = leafFiles(newIssue, leaf);
		const [oldCert, oldKey] = leafFiles(oldIssue, old);
		toOldLeaves.set(newCert, deployedFile(oldCert)).set(newKey, deployedFile(oldKey));
		// A fleet agent's bundle carries its own copy of ca.crt, a trust point like any other.
		if (leaf.dir !== undefined && old.dir !== undefined) toOldLeaves.set(join(leaf.dir, 'ca.crt'), deployedFile(join(old.dir, 'ca.crt')));
	}

	const singleCa = new Set(notes?.singleCaSteps ?? []);
	const views: Record<0 | RotationPhase, PhaseView['paths']> = {
		0: new Map([...toOldLeaves, [newCa, oldCa]]),
		1: new Map([...toOldLeaves, ...trustBothPaths(newIssue, both)]),
		2: trustBothPaths(newIssue, both),
		3: new Map(),
	};
	// A trust point that holds one CA at a time keeps the old CA through phase 1 and takes the new one in phase 2.
	const viewOf = (step: Step, phase: 0 | RotationPhase): Map<string, string> => {
		const paths = views[phase];
		if (!singleCa.has(step.id) || phase === 0 || phase === 3) return paths;
		return new Map([...paths, [newCa, phase === 1 ? oldCa : newCa]]);
	};

	const deployment = rotated.steps.filter(isDeployment);
	const confirmations = rotated.steps.filter(isConfirmation);
	const version = rotation.version;

	const phaseSteps = (phase: RotationPhase): Step[] => {
		const {prefix, title} = phases[phase];
		const previous = (phase - 1) as 0 | RotationPhase;
		const named = <S extends Step>(step: S): S => ({...step, id: `${prefix}-${step.id}`, title: `${title}: ${step.title}`});
		// Swarm secrets are immutable and in use: a changed one is created under a new name and swapped in.
		const renamed = new Map<string, string>();
		let changed = false;
		const steps = deployment.flatMap((planned): Step[] => {
			const now = substitute(planned, viewOf(planned, phase));
			const before = substitute(planned, viewOf(planned, previous));
			const differs = !sameStep(now, before);
			switch (now.kind) {
				case 'docker-network':
					return [];
				case 'docker-secret': {
					if (!differs) return [];
					const name = `${now.name}.${version}-${phase}`;
					renamed.set(now.name, name);
					changed = true;
					return [named({...now, name, title: `Create Docker secret ${name}, the new ${now.name}`})];
				}

				case 'swarm-service': {
					const swaps = now.secrets.filter(secret => renamed.has(secret.source)).map(secret => ({source: renamed.get(secret.source)!, target: secret.target}));
					if (swaps.length === 0) return [];
					return [named({id: `swap-${now.id}`, title: `Swap the new secrets into service ${now.service}`, kind: 'swarm-secret-swap', service: now.service, swaps})];
				}

				case 'kubectl-apply':
				case 'helm-release': {
					// Pods read secrets when they start: whatever changed in this phase reaches them by a restart.
					if (!changed && !differs) return [];
					const restart = restartAfter(now, `restart-${now.id}`, 'new');
					return restart ? [named(now), named(restart)] : [named(now)];
				}

				case 'write-files':
					// Files the new directory must hold before anything reads them (values, bundles): written in phase 1.
					if (phase !== 1 && !differs) return [];
					changed ||= differs;
					return [named(now)];
				case 'manual':
					// Setup done by hand once (an Edge environment, DNS) is not done again; a trust point handed over by hand is.
					if (!differs) return [];
					changed = true;
					return [named(now)];
				default:
					if (!differs) return [];
					changed = true;
					return [named(now)];
			}
		});
		return [...phaseNotes(phase), ...steps, ...fleetSteps(phase), ...confirmations.map(step => named(freshLines(substitute(step, viewOf(step, phase)))))];
	};

	// A fleet's devices run their agents outside the wizard: each phase says what to put on every device.
	const devices = newIssue.leaves.filter(leaf => leaf.dir !== undefined);
	const fleetSteps = (phase: RotationPhase): ManualStep[] => {
		if (devices.length === 0) return [];
		const names = devices.map(leaf => leaf.commonName).join(', ');
		// Where the new plan writes the agents' bundles: the rotation's directory, or the bundle an export writes.
		const excluded = rotation.excludeAgents.length === 0 ? [] : [`Left out (their old certificates are refused once the old CA is dropped, in phase 3): ${rotation.excludeAgents.join(', ')}.`];
		const restart = 'then restart its agent (an agent that reloads its files when they change, as the Portainer Edge Agent does, needs no restart).';
		const instructions = {
			1: [`On each device (${names}), replace ca.crt in its bundle with ${both}, ${restart}`],
			2: [`On each device (${names}), replace its certificate and key with those of its new bundle, ${join(dirname(devices[0]!.dir!), '<name>')}/, keeping ${both} as its ca.crt, ${restart}`, ...excluded],
			3: [`On each device (${names}), replace ca.crt with the new CA alone, ca.crt of its new bundle, ${restart}`, 'A device that is still on its old certificate is refused from this phase on: move every device in phase 2 first (rotate-ca --keep-old-ca stops before this phase, until rotate-ca --drop-old-ca).', ...excluded],
		}[phase];
		return [{id: `${phases[phase].prefix}-fleet-devices`, kind: 'manual', title: `${phases[phase].title}: the same on the ${devices.length} device${devices.length === 1 ? '' : 's'} of the fleet`, instructions}];
	};

	const phaseNotes = (phase: RotationPhase): ManualStep[] =>
		(notes?.notes ?? []).filter(note => note.phase === phase).map((note, index) => ({id: `${phases[phase].prefix}-note-${index + 1}`, kind: 'manual', title: `${phases[phase].title}: ${note.title}`, instructions: note.instructions}));

	// The new CA's name carries the version: two CAs of one name in a trust file are told apart by their key ids
	// alone, and people reading `inspect` or `status` should see which one a certificate chains to.
	const named = newIssue.ca.mode === 'generate' ? {...newIssue, ca: {...newIssue.ca, commonName: `${newIssue.ca.commonName.slice(0, 64 - version.length - 1)} ${version}`}} : newIssue;
	const newCaOnly: IssueCertificatesStep = {
		...named,
		id: 'issue-new-ca',
		title: `${phases[1].title}: issue the new CA and ${trustBothFile} (the old CA, then the new one)`,
		leaves: [],
		trustBundle: {path: both, first: oldCaFile},
	};
	const reissue: IssueCertificatesStep = {...named, id: 'reissue-certificates', title: `${phases[2].title}: issue the ${[...new Set(newIssue.leaves.map(l => l.id))].join(', ')} certificates from the new CA`};
	const proof = rotated.steps.filter(step => step.kind === 'verify-handshake').map(step => ({...step, id: `reissue-${step.id}`, title: `${phases[2].title}: ${step.title}`}));
	// Before phase 1 deploys anything: the deployed pair must still get through when both sides trust the bundle.
	const proofBoth = deployed.steps.filter(step => step.kind === 'verify-handshake').map(step => ({...step, caFile: both, id: `trust-both-${step.id}`, title: `${phases[1].title}: ${step.title}, trusting ${trustBothFile}`}));
	// Phase 3 run on its own, later: the certificates of phase 2 are checked (kept, never issued again) and proved first.
	const kept = [
		{...reissue, id: `${phases[3].prefix}-certificates`, title: `${phases[3].title}: check the certificates phase 2 issued from the new CA (kept)`},
		...rotated.steps.filter(step => step.kind === 'verify-handshake').map(step => ({...step, id: `${phases[3].prefix}-${step.id}`, title: `${phases[3].title}: ${step.title}`})),
	];
	const later: ManualStep = {
		id: 'reissue-keep-old-ca',
		kind: 'manual',
		title: 'Phase 3, drop the old CA, is left for later',
		instructions: ['Both CAs stay trusted until you drop the old one. Once every device runs its certificate from the new CA, run: mtls-wizard rotate-ca --drop-old-ca'],
	};
	const stages = {
		all: () => [newCaOnly, ...proofBoth, ...phaseSteps(1), reissue, ...proof, ...phaseSteps(2), ...phaseSteps(3)],
		'keep-old-ca': () => [newCaOnly, ...proofBoth, ...phaseSteps(1), reissue, ...proof, ...phaseSteps(2), later],
		'drop-old-ca': () => [...kept, ...phaseSteps(3)],
	};
	// The session saves the fleet without the excluded agents: a later renew or rotate-ca never issues them again.
	const steps = stages[rotation.stage]();
	if (carryInto === undefined) return {...rotated, steps, rotation};
	// Only what a step still names: an old key no phase deploys stays where it is.
	const deployedFiles = [...carried].filter(([, to]) => JSON.stringify(steps).includes(to)).map(([from, to]) => ({from, to}));
	return {...rotated, steps, rotation, carried: [...deployedFiles, ...keptFiles(newIssue, rotated.outDir, rotation)]};
}

/**
 * Phase 3 run on its own keeps what phase 2 issued in the rotation's directory: an export built elsewhere carries the
 * new CA, its key and the leaves into the bundle, where the kept certificates step checks them (and issues nothing).
 */
function keptFiles(issue: IssueCertificatesStep, bundleDir: string, rotation: Rotation): CarriedFile[] {
	if (rotation.stage !== 'drop-old-ca') return [];
	const files = [join(issue.dir, 'ca.crt'), join(issue.dir, 'ca.key'), ...issue.leaves.flatMap(leaf => [...leafFiles(issue, leaf), ...(leaf.dir === undefined ? [] : [join(leaf.dir, 'ca.crt')])])];
	return files.map(to => ({from: join(rotationDir(rotation), relative(bundleDir, to)), to}));
}
