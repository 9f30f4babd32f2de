import test from 'ava';
import type {Key} from 'ink';
import {editLine, type Line} from '../../source/ui/edit-line.js';

const noKey: Key = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
};

const at = (value: string, cursor = value.length): Line => ({value, cursor});

test('a burst of typed text applies every character in order, and its newline submits what came before it', t => {
	t.deepEqual(editLine(at(''), 'cc-tunnel.example.com', noKey), {line: at('cc-tunnel.example.com'), submitted: false});
	t.deepEqual(editLine(at(''), 'agent.example.com\r', noKey), {line: at('agent.example.com'), submitted: true});
	t.deepEqual(editLine(at(''), 'pasted\n', noKey), {line: at('pasted'), submitted: true});
	t.deepEqual(editLine(at('first'), 'x\rnext answer', noKey), {line: at('firstx'), submitted: true}, 'text after the newline is not part of this answer');
});

test('editing keys inside a burst still edit: backspace, Ctrl-U, Ctrl-W, Ctrl-A and Ctrl-E', t => {
	t.deepEqual(editLine(at(''), 'serverr\u007F.test', noKey).line, at('server.test'));
	t.deepEqual(editLine(at(''), 'wrong\u0015right', noKey).line, at('right'));
	t.deepEqual(editLine(at(''), 'agent wrong \u0017right', noKey).line, at('agent right'));
	t.deepEqual(editLine(at(''), 'example.com\u0001agent.\u0005/', noKey).line, at('agent.example.com/'));
});

test('keys ink reports by name: Ctrl letters, Home/End, arrows, backspace at the cursor, Enter', t => {
	t.deepEqual(editLine(at('old value'), 'u', {...noKey, ctrl: true}).line, at(''));
	t.deepEqual(editLine(at('one two'), 'w', {...noKey, ctrl: true}).line, at('one '));
	t.deepEqual(editLine(at('one two', 3), 'w', {...noKey, ctrl: true}).line, at(' two', 0), 'Ctrl-W deletes the word before the cursor only');
	t.deepEqual(editLine(at('abc'), 'a', {...noKey, ctrl: true}).line, at('abc', 0));
	t.deepEqual(editLine(at('abc', 0), 'e', {...noKey, ctrl: true}).line, at('abc'));
	t.deepEqual(editLine(at('abc'), '', {...noKey, home: true}).line, at('abc', 0));
	t.deepEqual(editLine(at('abc', 1), '', {...noKey, end: true}).line, at('abc'));
	t.deepEqual(editLine(at('abc'), '', {...noKey, leftArrow: true}).line, at('abc', 2));
	t.deepEqual(editLine(at('abc', 2), '', {...noKey, delete: true}).line, at('ac', 1));
	t.deepEqual(editLine(at('abc', 0), '', {...noKey, backspace: true}).line, at('abc', 0));
	t.deepEqual(editLine(at('abc', 1), 'X', noKey).line, at('aXbc', 2), 'typing inserts at the cursor');
	t.deepEqual(editLine(at('abc'), '', {...noKey, return: true}), {line: at('abc'), submitted: true});
});

test('keys that do not edit a line leave it as it was, and never insert their letters', t => {
	for (const key of [{escape: true}, {tab: true}, {upArrow: true}, {downArrow: true}, {pageDown: true}, {meta: true}]) {
		t.deepEqual(editLine(at('abc'), 'x', {...noKey, ...key}), {line: at('abc'), submitted: false}, JSON.stringify(key));
	}

	t.deepEqual(editLine(at('abc'), 'c', {...noKey, ctrl: true}).line, at('abc'), 'Ctrl-C is not typed as a c');
	t.deepEqual(editLine(at('abc'), '\u0007\t', noKey).line, at('abc'), 'other control characters in a burst are dropped');
});
