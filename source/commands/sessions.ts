import {quoteWord} from '../exec/shell-quote.js';
import {effectiveOutcome, isFinished, listSessions, progressOf} from '../session/session-store.js';
import {signedDirOf} from '../session/step-states.js';
import type {Session} from '../session/types.js';

export type SessionsOptions = {json?: boolean};

type Row = {id: string; recipe: string; target: string; reached: string; status: string; updatedAt: string};

function rowOf(session: Session): Row {
	const {done, toDo, total} = progressOf(session);
	const status = isFinished(session) ? 'done' : effectiveOutcome(session);
	// A manual step the run reached is not done: the person still has to do it.
	const reached = `${done}/${total}${toDo > 0 ? `, ${toDo} to do by hand` : ''}`;
	return {id: session.id, recipe: session.recipe, target: session.target, reached, status, updatedAt: session.updatedAt};
}

function table(rows: Row[]): string {
	const header: Row = {id: 'ID', recipe: 'RECIPE', target: 'TARGET', reached: 'STEPS', status: 'STATUS', updatedAt: 'UPDATED'};
	const all = [header, ...rows];
	const keys = Object.keys(header) as Array<keyof Row>;
	const widths = keys.map(key => Math.max(...all.map(row => row[key].length)));
	return all.map(row => keys.map((key, index) => row[key].padEnd(widths[index]!)).join('  ').trimEnd()).join('\n');
}

/** The command that carries a session on: one awaiting its PKI's signatures needs the directory they go in. */
function resumeCommand(session: Session): string {
	const signed = effectiveOutcome(session) === 'awaiting-signature' ? ` --signed ${quoteWord(signedDirOf(session))}` : '';
	return `mtls-wizard resume ${session.id}${signed}`;
}

/** Lists saved sessions, most recent first: id, recipe, target, steps done out of all, status, last update. */
export async function sessionsCommand(options: SessionsOptions): Promise<number> {
	const {sessions, unreadable} = await listSessions(process.env);
	for (const path of unreadable) process.stderr.write(`mtls-wizard: ${path} is not a readable session; skipped.\n`);
	const rows = sessions.map(rowOf);
	if (options.json) {
		const entries = sessions.map((session, index) => {
			const {done, toDo, total} = progressOf(session);
			return {...rows[index], stepsDone: done, stepsToDo: toDo, stepsTotal: total, createdAt: session.createdAt};
		});
		process.stdout.write(`${JSON.stringify(entries, null, '\t')}\n`);
		return 0;
	}

	if (rows.length === 0) {
		process.stdout.write('No saved sessions. Start one with: mtls-wizard run RECIPE --target TARGET\n');
		return 0;
	}

	process.stdout.write(`${table(rows)}\n`);
	const resumable = sessions.find(session => !isFinished(session) && effectiveOutcome(session) !== 'running');
	if (resumable) process.stdout.write(`\nContinue the latest unfinished one with: ${resumeCommand(resumable)}\n`);
	return 0;
}
