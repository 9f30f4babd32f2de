import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {runPlan} from '../../source/engine.js';
import type {EngineEvent} from '../../source/engine-events.js';
import {execLayer} from '../../source/run-headless.js';
import type {Plan, Step} from '../../source/plan/types.js';
import {loadSession, newSessionId, saveSession, sessionFromPlan} from '../../source/session/session-store.js';
import type {Session} from '../../source/session/types.js';
import type {StepRunner} from '../../source/steps/types.js';

export type Harness = {
	home: string;
	env: NodeJS.ProcessEnv;
	cleanup(): Promise<void>;
	/** Runs the plan through the real engine, exec layer and session store; runners come from `runners` by step id. */
	run(
		plan: Plan,
		runners: Record<string, StepRunner<Step>['run']>,
		options?: {session?: Session; secrets?: Record<string, string>; signal?: AbortSignal; env?: NodeJS.ProcessEnv; onEvent?: (event: EngineEvent) => void},
	): Promise<{exitCode: number; events: EngineEvent[]; session: Session}>;
};

export function testPlan(steps: Step[], overrides: Partial<Plan> = {}): Plan {
	return {recipe: 'generic', recipeDigest: 'a'.repeat(64), target: 'bundle', answers: {serverName: 'server.local'}, secretAnswers: [], outDir: '/tmp/out', steps, ...overrides};
}

/** A step of no consequence of its own: what it does is the runner the test gives it (it writes no file itself). */
export function plainStep(id: string): Step {
	return {id, title: `Step ${id}`, kind: 'write-files', files: []};
}

export function manualStep(id: string): Step {
	return {id, title: `Step ${id}`, kind: 'manual', instructions: [`do ${id}`]};
}

export async function engineHarness(): Promise<Harness> {
	const home = await mkdtemp(join(tmpdir(), 'mtls-engine-'));
	const env = {...process.env, MTLS_WIZARD_HOME: home};
	return {
		home,
		env,
		cleanup: async () => rm(home, {recursive: true, force: true}),
		async run(plan, runners, options = {}) {
			const events: EngineEvent[] = [];
			const session = options.session ?? sessionFromPlan(plan, newSessionId());
			const secrets = options.secrets ?? {};
			const runEnv = options.env ?? env;
			const exitCode = await runPlan({
				plan,
				session,
				secrets,
				env: runEnv,
				signal: options.signal ?? new AbortController().signal,
				emit(event) {
					events.push(event);
					options.onEvent?.(event);
				},
				save: async saved => saveSession(saved, {env: runEnv, secrets}),
				runnerFor: step => ({
					kind: step.kind,
					commands: () => [],
					run: runners[step.id] ?? (async () => ({detail: `${step.id} ran`})),
				}),
				exec: execLayer,
			});
			return {exitCode, events, session: await loadSession(runEnv, session.id)};
		},
	};
}
