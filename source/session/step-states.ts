import {join} from 'node:path';
import type {SavedStepState, Session} from './types.js';

/** A step the engine is past: done, or a manual step it reached and listed (to do by hand). Resume starts after it. */
export function isPastStep(state: SavedStepState | undefined): boolean {
	return state === 'done' || state === 'to-do';
}

/**
 * Where a session awaiting its PKI's signatures (caMode=csr) wants the signed certificates: as its run said, or, for a
 * session saved before it recorded that, the `signed` folder beside the certificates' (`<out>/signed`).
 */
export function signedDirOf(session: Pick<Session, 'signedDir' | 'outDir'>): string {
	return session.signedDir ?? join(session.outDir, 'signed');
}
