import {notYetAvailable} from './not-yet.js';

export async function verifyCommand(_dir: string | undefined, _options: unknown): Promise<number> {
	return notYetAvailable('verify');
}
