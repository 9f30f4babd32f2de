import {effectiveOutcome, listSessions, progressOf} from '../session/session-store.js';
import type {Session} from '../session/types.js';

export type SessionsOptions = {json?: boolean};

type Row = {id: string; recipe: string; target: string; reached: string; status: string; updatedAt: string};

function rowOf(session: Session): Row {
	const {done, total} = progressOf(session);
	const status = done === total ? 'done' : effectiveOutcome(session);
	return {id: session.id, recipe: session.recipe, target: session.target, reached: `${done}/${total}`, status, updatedAt: session.updatedAt};
}

function table(rows: Row[]): string {
	const header: Row = {id: 'ID', recipe: 'RECIPE', target: 'TARGET', reached: 'STEPS', status: 'STATUS', updatedAt: 'UPDATED'};
	const all = [header, ...rows];
	const keys = Object.keys(header) as Array<keyof Row>;
	const widths = keys.map(key => Math.max(...all.map(row => row[key].length)));
	return all.map(row => keys.map((key, index) => row[key].padEnd(widths[index]!)).join('  ').trimEnd()).join('\n');
}

/** Lists saved sessions, most recent first: id, recipe, target, steps done out of all, status, last update. */
export async function sessionsCommand(options: SessionsOptions): Promise<number> {
	const {sessions, unreadable} = await listSessions(process.env);
	for (const path of unreadable) process.stderr.write(`mtls-wizard: ${path} is not a readable session; skipped.\n`);
	const rows = sessions.map(rowOf);
	if (options.json) {
		const entries = sessions.map((session, index) => {
			const {done, total} = progressOf(session);
			return {...rows[index], stepsDone: done, stepsTotal: total, createdAt: session.createdAt};
		});
		process.stdout.write(`${JSON.stringify(entries, null, '\t')}\n`);
		return 0;
	}

	if (rows.length === 0) {
		process.stdout.write('No saved sessions. Start one with: mtls-wizard run RECIPE --target TARGET\n');
		return 0;
	}

	process.stdout.write(`${table(rows)}\n`);
	const resumable = rows.find(row => row.status !== 'done' && row.status !== 'running');
	if (resumable) process.stdout.write(`\nContinue the latest unfinished one with: mtls-wizard resume ${resumable.id}\n`);
	return 0;
}
