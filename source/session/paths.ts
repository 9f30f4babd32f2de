import {join} from 'node:path';
import {xdgState} from 'xdg-basedir';
import {UsageError} from '../errors.js';

/** Which setting chose the session directory, for messages: "MTLS_WIZARD_HOME=/x". */
export function sessionsDirSource(env: NodeJS.ProcessEnv): string {
	const home = env['MTLS_WIZARD_HOME'];
	if (home) return `MTLS_WIZARD_HOME=${home}`;
	if (env['XDG_STATE_HOME']) return `XDG_STATE_HOME=${env['XDG_STATE_HOME']}`;
	return `the session directory ${sessionsDir(env)}`;
}

/** `$MTLS_WIZARD_HOME/sessions`, else `$XDG_STATE_HOME/mtls-wizard/sessions` (~/.local/state/mtls-wizard/sessions). */
export function sessionsDir(env: NodeJS.ProcessEnv): string {
	const home = env['MTLS_WIZARD_HOME'];
	if (home) return join(home, 'sessions');
	const state = env['XDG_STATE_HOME'] || xdgState;
	if (!state) throw new UsageError('no place to save sessions: HOME is not set. Set MTLS_WIZARD_HOME to a directory.');
	return join(state, 'mtls-wizard', 'sessions');
}
