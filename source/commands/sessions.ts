import {notYetAvailable} from './not-yet.js';

export async function sessionsCommand(_options: unknown): Promise<number> {
	return notYetAvailable('sessions');
}
