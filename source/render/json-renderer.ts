import type {EngineEvent} from '../engine-events.js';

/** `--json`: one event per line, exactly as the engine emitted it, for scripts and CI. */
export function createJsonRenderer(write: (text: string) => void): (event: EngineEvent) => void {
	return event => {
		write(`${JSON.stringify(event)}\n`);
	};
}
