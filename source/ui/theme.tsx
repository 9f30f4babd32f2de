import {createContext, useContext, type ReactNode} from 'react';

/** NO_COLOR (https://no-color.org) turns every colour off; bold, dim and inverse stay, as the convention allows. */
const ThemeContext = createContext({color: true});

export function ThemeProvider({color, children}: {color: boolean; children: ReactNode}) {
	return <ThemeContext.Provider value={{color}}>{children}</ThemeContext.Provider>;
}

export type Tone = 'green' | 'red' | 'yellow' | 'cyan' | 'blue' | 'gray';

/** Returns the colour to hand to <Text color>, or undefined when colours are off. */
export function useTone(): (tone: Tone) => Tone | undefined {
	const {color} = useContext(ThemeContext);
	return tone => (color ? tone : undefined);
}
