import {InterruptedError, NotConfirmedError, StepFailedError, UsageError, exitCodes} from '../errors.js';
import type {WizardExit} from '../ui/App.js';

const headless =
	'the interactive wizard needs a terminal on stdin and stdout. Without one, run a recipe headlessly: ' +
	'mtls-wizard run RECIPE --target TARGET --set key=value ... (recipes, targets and keys: mtls-wizard recipes)';

/** The test Ink's is-in-ci dependency makes. */
function looksLikeCi(env: NodeJS.ProcessEnv): boolean {
	if (env['CI'] === '0' || env['CI'] === 'false') return false;
	return 'CI' in env || 'CONTINUOUS_INTEGRATION' in env || Object.keys(env).some(key => key.startsWith('CI_'));
}

/** NO_COLOR set to anything but the empty string turns colours off (https://no-color.org). */
function colorsWanted(env: NodeJS.ProcessEnv): boolean {
	return (env['NO_COLOR'] ?? '') === '';
}

/**
 * The exit code the wizard ends with, by the readme's one table for both modes: a step stopped by bad input (an
 * existing key that cannot serve) exits 2 as it does headless, any other failed step 1.
 */
export function endOf(result: WizardExit): number {
	const resume = result.sessionId ? `mtls-wizard resume ${result.sessionId} (or run mtls-wizard again)` : 'mtls-wizard';
	switch (result.exitCode) {
		case exitCodes.ok: {
			return exitCodes.ok;
		}

		case exitCodes.interrupted: {
			throw new InterruptedError(result.sessionId ? `Interrupted; progress is saved. Continue with: ${resume}` : 'Interrupted before anything ran.');
		}

		case exitCodes.notConfirmed: {
			throw new NotConfirmedError(`the deployment ran but its TLS confirmation was not seen; the session is saved. Retry with: ${resume}`);
		}

		case exitCodes.usage: {
			throw new UsageError(`a step stopped on bad input (shown above); the session is saved. Fix it, then continue with: ${resume}`);
		}

		default: {
			throw new StepFailedError(`a step failed; the session is saved. Retry with: ${resume}`);
		}
	}
}

/**
 * `mtls-wizard` without arguments. Ink and the screens load first so the first frame is drawn early;
 * the controller pulls in recipes, planner and engine lazily behind it.
 */
export async function wizardCommand(): Promise<number> {
	if (!process.stdin.isTTY || !process.stdout.isTTY) throw new UsageError(headless);
	const env = {...process.env};
	// Ink decides at import time, from CI variables, to draw only the final frame; with a terminal on both ends
	// the user is here to interact, so take Ink's documented opt-out (CI=false) before it loads.
	if (looksLikeCi(env)) process.env['CI'] = 'false';

	const [{render}, {App}, {ThemeProvider}, {KeyRouter}, {createController}] = await Promise.all([
		import('ink'),
		import('../ui/App.js'),
		import('../ui/theme.js'),
		import('../ui/use-keys.js'),
		import('../wizard/create-controller.js'),
	]);
	let result: WizardExit = {exitCode: exitCodes.ok};
	const controller = createController({env, cwd: process.cwd()});
	const instance = render(
		<ThemeProvider color={colorsWanted(env)}>
			<KeyRouter>
				<App
					controller={controller}
					onExit={ended => {
						result = ended;
					}}
				/>
			</KeyRouter>
		</ThemeProvider>,
		{exitOnCtrlC: false},
	);
	await instance.waitUntilExit();
	// Ink leaves the cursor at the end of the last frame; the shell prompt (or our message) belongs below it.
	process.stdout.write('\n');
	return endOf(result);
}
