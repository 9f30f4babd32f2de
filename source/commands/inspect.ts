import {notYetAvailable} from './not-yet.js';

export async function inspectCommand(_files: string[], _options: unknown): Promise<number> {
	return notYetAvailable('inspect');
}
