import {notYetAvailable} from './not-yet.js';

export async function certsCommand(_options: unknown): Promise<number> {
	return notYetAvailable('certs');
}
