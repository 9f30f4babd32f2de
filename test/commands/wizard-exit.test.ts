import test from 'ava';
import {endOf} from '../../source/commands/wizard.js';

const codeOf = (exitCode: number) => {
	try {
		return endOf({exitCode, sessionId: 's-1'});
	} catch (error) {
		return (error as {exitCode: number}).exitCode;
	}
};

test('the wizard ends with the exit code a headless run of the same failure has (the readme table)', t => {
	t.is(codeOf(0), 0);
	t.is(codeOf(1), 1, 'a failed step');
	t.is(codeOf(2), 2, 'a step stopped by bad input, as headless (an existing key that cannot serve)');
	t.is(codeOf(3), 3);
	t.is(codeOf(130), 130);
});
