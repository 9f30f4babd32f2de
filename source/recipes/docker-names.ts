/** Docker's rule for network (and container) names: a letter or digit, then letters, digits, _ . - */
export const dockerNamePattern = /^[a-zA-Z\d][\w.-]*$/;

/** Networks every engine has; --network-alias works only on the others (user-defined ones). */
export const builtInNetworks: ReadonlySet<string> = new Set(['bridge', 'host', 'none']);
