import {WizardError, exitCodes} from '../errors.js';

/** A recipe file that does not validate: a packaging or authoring bug, not bad user input. */
export class InvalidRecipeError extends WizardError {
	constructor(message: string) {
		super(message, exitCodes.stepFailed);
	}
}
