/**
 * The ids of the user running the wizard, for the plan's {{invoker.uid}} and {{invoker.gid}}: read here, by the
 * command layer, because the planner does no I/O. Undefined where the platform has no such ids (Windows).
 */
export function invokerIds(): {invoker: {uid: number; gid: number}} | Record<string, never> {
	if (!process.getuid || !process.getgid) return {};
	return {invoker: {uid: process.getuid(), gid: process.getgid()}};
}
