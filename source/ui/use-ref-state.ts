import {useCallback, useRef, useState} from 'react';

/** State whose current value is readable at once through the ref, so a second key in a burst sees the first one's effect. */
export function useRefState<T>(initial: T): [T, (value: T) => void, {readonly current: T}] {
	const [value, setValue] = useState(initial);
	const ref = useRef(initial);
	const set = useCallback((next: T) => {
		ref.current = next;
		setValue(next);
	}, []);
	return [value, set, ref];
}
