import {notYetAvailable} from './not-yet.js';

export async function resumeCommand(_id: string | undefined, _options: unknown): Promise<number> {
	return notYetAvailable('resume');
}
