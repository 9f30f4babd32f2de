import type {EngineEvent} from '../../../source/engine-events.js';

type Start = (onEvent: (event: EngineEvent) => void) => Promise<unknown>;
export type RunFinished = Extract<EngineEvent, {type: 'run-finished'}>;

/** Starts a run through the controller and resolves with every event once the engine says the run finished. */
export async function runEvents(start: Start): Promise<EngineEvent[]> {
	return new Promise((resolve, reject) => {
		const events: EngineEvent[] = [];
		start(event => {
			events.push(event);
			if (event.type === 'run-finished') resolve(events);
		}).catch(reject);
	});
}

/** The run-finished event of a run started through the controller. */
export async function runToEnd(start: Start): Promise<RunFinished> {
	const events = await runEvents(start);
	return events.at(-1) as RunFinished;
}
