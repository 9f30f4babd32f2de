import {notYetAvailable} from './not-yet.js';

export async function recipesCommand(_options: unknown): Promise<number> {
	return notYetAvailable('recipes');
}
