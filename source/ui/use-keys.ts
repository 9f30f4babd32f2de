import {useCallback, useRef} from 'react';
import {useInput, type Key} from 'ink';

/**
 * useInput with a handler that is never stale: ink re-subscribes a changed handler only after React's
 * passive effects run, so keys arriving in a burst would otherwise reach the previous render's closure.
 */
export function useKeys(handler: (input: string, key: Key) => void, isActive = true): void {
	const latest = useRef(handler);
	latest.current = handler;
	const stable = useCallback((input: string, key: Key) => {
		latest.current(input, key);
	}, []);
	useInput(stable, {isActive});
}
