import {join} from 'node:path';
import {xdgState} from 'xdg-basedir';
import {UsageError} from '../errors.js';

/** `$MTLS_WIZARD_HOME/sessions`, else `$XDG_STATE_HOME/mtls-wizard/sessions` (~/.local/state/mtls-wizard/sessions). */
export function sessionsDir(env: NodeJS.ProcessEnv): string {
	const home = env['MTLS_WIZARD_HOME'];
	if (home) return join(home, 'sessions');
	const state = env['XDG_STATE_HOME'] || xdgState;
	if (!state) throw new UsageError('no place to save sessions: HOME is not set. Set MTLS_WIZARD_HOME to a directory.');
	return join(state, 'mtls-wizard', 'sessions');
}
