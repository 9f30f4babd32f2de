import {notYetAvailable} from './not-yet.js';

export async function runCommand(_recipe: string, _options: unknown): Promise<number> {
	return notYetAvailable('run');
}
