import {createContext, createElement, Fragment, useCallback, useContext, useLayoutEffect, useRef, useState, type ReactNode} from 'react';
import {useInput, useStdin, type Key} from 'ink';

type Handler = (input: string, key: Key) => void;
type Handlers = Set<{readonly current: Handler}>;
/** Holding keys: `hold` until the matching release, which resumes dispatch once the screens it showed are committed. */
type Holds = {hold(): void; release(): void};

const HandlersContext = createContext<Handlers | undefined>(undefined);
const HoldsContext = createContext<Holds | undefined>(undefined);

/**
 * Sends each key to the handlers of what is on screen after the key before it took effect.
 *
 * ink renders a state update in a later task (React 19 has no synchronous legacy mode), and its useInput attaches a
 * handler in a passive effect, after the frame is drawn. So a key read together with Enter, or written as soon as a
 * new screen showed, reached the previous screen's handler and was lost. Here one useInput at the root, mounted once,
 * queues the keys; screens register their handlers in a layout effect (in the same commit as the screen); and the
 * next key is dispatched only once the commit for the previous one is done.
 *
 * A screen that is busy deciding what comes next (an answer checked asynchronously, the next screen loading) holds
 * the keys: they wait in the queue and reach whatever screen the decision shows, in order. Ctrl-C alone passes a
 * hold, so a check that never ends can still be left.
 */
export function KeyRouter({children}: {children: ReactNode}) {
	const [handlers] = useState<Handlers>(() => new Set());
	const queue = useRef<Array<[string, Key]>>([]);
	const waiting = useRef(false);
	const held = useRef(0);
	// Bumped with every dispatched key, so that key's render always commits, even when no handler changed anything.
	const [dispatched, setDispatched] = useState(0);
	const {internal_eventEmitter: events} = useStdin();

	const dispatchNext = useCallback(() => {
		const next = held.current > 0 ? undefined : queue.current.shift();
		if (!next) {
			waiting.current = false;
			return;
		}

		waiting.current = true;
		for (const handler of [...handlers]) if (handlers.has(handler)) handler.current(...next);
		setDispatched(count => count + 1);
	}, [handlers]);

	useInput(
		useCallback(
			(input: string, key: Key) => {
				// Several characters read at once come again one by one, from `split` below.
				if ([...input].length > 1) return;
				if (held.current > 0 && key.ctrl && input === 'c') {
					for (const handler of [...handlers]) handler.current(input, key);
					return;
				}

				queue.current.push([input, key]);
				if (!waiting.current) dispatchNext();
			},
			[dispatchNext, handlers],
		),
	);

	const [holds] = useState<Holds>(() => ({
		hold() {
			held.current++;
		},
		release() {
			held.current--;
			// From a microtask: a release in a commit (a screen unmounting) may come with a hold in the same commit
			// (the screen after it loading), and the keys wait for that one too.
			if (held.current === 0)
				queueMicrotask(() => {
					if (!waiting.current) dispatchNext();
				});
		},
	}));

	// The previous key's render is committed and the screens it showed have registered their handlers. Dispatching
	// from a microtask, not from this effect, keeps each key's render an ordinary one (React limits nested updates).
	useLayoutEffect(() => {
		if (dispatched > 0) queueMicrotask(dispatchNext);
	}, [dispatched, dispatchNext]);

	// ink hands over text read in one chunk ("ab", or Enter and the next key) as one input. Each character is sent
	// again on its own, so ink parses it as the keypress it is (Enter, Ctrl-U, a letter).
	useLayoutEffect(() => {
		const split = (data: string) => {
			const characters = [...data];
			if (characters.length < 2 || data.startsWith('\u001B')) return;
			for (const character of characters) events.emit('input', character);
		};

		events.prependListener('input', split);
		return () => {
			events.removeListener('input', split);
		};
	}, [events]);

	return createElement(HoldsContext.Provider, {value: holds}, createElement(HandlersContext.Provider, {value: handlers}, children));
}

/**
 * Calls `handler` for each key while `isActive`, with the handler of the latest render (never a stale closure), from
 * the commit that puts the component on screen. Needs a KeyRouter above it.
 */
export function useKeys(handler: Handler, isActive = true): void {
	const handlers = useContext(HandlersContext);
	if (!handlers) throw new Error('useKeys needs a <KeyRouter> above it in the tree');
	const latest = useRef(handler);
	useLayoutEffect(() => {
		latest.current = handler;
	});
	useLayoutEffect(() => {
		if (!isActive) return;
		handlers.add(latest);
		return () => {
			handlers.delete(latest);
		};
	}, [handlers, isActive]);
}

/**
 * Holds the keys (see KeyRouter) from `hold()` until `release()` or until the component unmounts: keys typed while
 * it decides what comes next reach the screen that follows, or this one again when it stays.
 */
export function useKeyHold(): {hold(): void; release(): void} {
	const holds = useContext(HoldsContext);
	if (!holds) throw new Error('useKeyHold needs a <KeyRouter> above it in the tree');
	const holding = useRef(false);
	const [control] = useState(() => ({
		hold() {
			if (holding.current) return;
			holding.current = true;
			holds.hold();
		},
		release() {
			if (!holding.current) return;
			holding.current = false;
			holds.release();
		},
	}));
	useLayoutEffect(() => control.release, [control]);
	return control;
}

/** Holds the keys while it is on screen: a screen still loading passes them on to the screen it becomes. */
export function KeysHeld({children}: {children?: ReactNode}) {
	const {hold} = useKeyHold();
	useLayoutEffect(hold, [hold]);
	return createElement(Fragment, null, children);
}
