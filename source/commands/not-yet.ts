import {WizardError, exitCodes} from '../errors.js';

/** Commands listed in DESIGN.md whose implementation has not landed say so plainly instead of pretending. */
export function notYetAvailable(command: string): never {
	throw new WizardError(`'${command}' is not available in this version yet.`, exitCodes.stepFailed);
}
