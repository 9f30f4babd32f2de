import {notYetAvailable} from './not-yet.js';

export async function wizardCommand(): Promise<number> {
	return notYetAvailable('wizard');
}
