/** A session id names a file in the sessions directory: no separators, no dots, so it cannot point outside it. */
export const sessionIdPattern = /^[\w-]+$/;
